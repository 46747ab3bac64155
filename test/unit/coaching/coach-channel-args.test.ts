import { parseCoachChannelArgs } from '../../../services/coaching/coach-channel';
import { PortfolioDoc } from '../../../services/portfolios/portfolio-repository';

const portfolio = (n: number, key: string): PortfolioDoc => ({
  _id: `p${n}`,
  number: n,
  key,
  name: { sv: `Portfölj ${n}`, en: `Portfolio ${n}` },
  relaxedBenefit: false,
  frames: [],
  quorum: 3,
  reviewDays: 10,
});
const ALL = [
  portfolio(1, 'tillganglighet'),
  portfolio(2, 'information'),
  portfolio(3, 'utbildning'),
  portfolio(5, 'innovation'),
];

describe('parseCoachChannelArgs', () => {
  it('when there are no arguments, then the channel becomes the general coach channel', () => {
    expect(parseCoachChannelArgs('', ALL)).toEqual({ ok: true, binding: { kind: 'general' } });
  });

  it('when numbers or keys are given, then those portfolios are chosen once, in number order', () => {
    const r = parseCoachChannelArgs('3, 1 och innovation 1', ALL);
    expect(
      r.ok && r.binding.kind === 'portfolios' && r.binding.portfolios.map((p) => p._id),
    ).toEqual(['p1', 'p3', 'p5']);
  });

  it('when alla or all is given, then every portfolio is chosen', () => {
    for (const word of ['alla', 'ALL', 'Samtliga']) {
      const r = parseCoachChannelArgs(word, ALL);
      expect(r.ok && r.binding.kind === 'portfolios' && r.binding.portfolios).toHaveLength(4);
    }
  });

  it('when a portfolio is unknown, then the unknown words are listed and nothing is chosen', () => {
    expect(parseCoachChannelArgs('1 9 sju', ALL)).toEqual({ ok: false, unknown: ['9', 'sju'] });
  });
});
