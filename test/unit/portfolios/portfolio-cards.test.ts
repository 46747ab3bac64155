import { draftOf, portfolioAdminCard, portfolioFormCard } from '../../../cards/portfolio-cards';
import * as render from '../../../cards/render';
import { cardBytes, MAX_CARD_BYTES, renderWithLibrary } from '../../../cards/render';
import type { PortfolioDoc } from '../../../services/portfolios/portfolio-repository';

const P1: PortfolioDoc = {
  _id: 'p1',
  number: 1,
  key: 'tillganglighet',
  name: { sv: 'Tillgänglighet', en: 'Accessibility' },
  relaxedBenefit: false,
  frames: [{ year: 2026, amount: 5_000_000, shares: { innovation: 100, improvement: 0, maintenance: 0 } }],
  quorum: 3,
  reviewDays: 10,
  description: 'Fokusområde 1',
  parts: { innovation: {}, improvement: { closed: true, name: { sv: 'E-tjänster', en: 'E-services' } } },
  version: 2,
};
const P2: PortfolioDoc = { ...P1, _id: 'p2', number: 2, key: 'info', closed: true, parts: undefined, frames: [] };

describe('the portfolio cards', () => {
  it('when rendered, then the compiled templates give the same card as the Adaptive Cards templating library', () => {
    const models: [render.TemplateName, object][] = [];
    const compiled = render.renderTemplate;
    const spy = jest.spyOn(render, 'renderTemplate').mockImplementation((name, model) => {
      models.push([name, model]);
      return compiled(name, model);
    });
    const admin = portfolioAdminCard([P1, P2], 'sv', 2026, { text: 'Klart', color: 'Good' });
    const cards = [
      admin,
      portfolioAdminCard([], 'en', 2026),
      portfolioFormCard(null, draftOf(null, 3), 'sv', { errors: [{ field: 'nameSv', code: 'required' }] }),
      portfolioFormCard(P1, draftOf(P1, 1), 'en'),
    ];
    spy.mockRestore();
    expect(models.map(([name]) => name)).toEqual(['portfolio-admin', 'portfolio-admin', 'portfolio-form', 'portfolio-form']);
    models.forEach(([name, model], i) => expect(cards[i]).toEqual(renderWithLibrary(name, model)));
    for (const card of cards) expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
    const text = JSON.stringify(cards[0]);
    expect(text).toContain('E-tjänster (stängd)');
    // "2. Info" in Markdown is a numbered list that clients renumber from 1: the dot is escaped.
    expect(text).toContain('"text":"2\\\\. Tillgänglighet"');
    expect(text).toContain('"verb":"portfolio.open","data":{"portfolioId":"p2"}');
    expect(text).toContain('"frame_key":"p1|2026"');
    // A part that exists offers no "Inte med"; one that does not, does.
    const form = JSON.stringify(cards[3]);
    expect(form.match(/Not included/g)).toHaveLength(1);
    expect(JSON.stringify(cards[2])).toContain('Skriv portföljens namn.');
  });
});
