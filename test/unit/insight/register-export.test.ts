import {
  applicationsCsv,
  buildFollowup,
  buildRegister,
  decisionsCsv,
  followupCsv,
} from '../../../services/insight/register-export';
import { decision } from '../allocation/decision-fixture';
import { application, parseSwedishCsv, portfolio, project, report } from './insight-fixture';

/** "1 200 000" or "26,5" (no-break spaces, decimal comma) back to a number. */
const swedish = (v: string): number => Number(v.replace(/\u00a0/g, '').replace(',', '.'));

const portfolios = [portfolio('p1', 1), portfolio('p2', 2)];
const apps = [
  application('a1', {
    status: 'approved',
    devCost: 1_500_000,
    regSeq: 1,
    title: '=HYPERLINK("http://x")',
    organisation: 'Stadsdel; Norr',
  }),
  application('a2', {
    status: 'in_review',
    devCost: 250_000,
    yearlyEffectSek: 1_234_567,
    regSeq: 2,
    title: 'Citat "e-tjänst"\nmed radbrytning',
  }),
  application('a3', { status: 'approved', devCost: 2_000_000, regSeq: 3, portfolioId: 'p2' }),
  application('d1', { status: 'draft' }),
];
const decisions = [
  decision({ applicationId: 'a1', amount: 1_500_000, meanScore: 4.25 }),
  decision({ applicationId: 'a3', amount: 2_000_000, portfolioId: 'p2', portfolioNumber: 2 }),
  decision({
    applicationId: 'a3',
    seq: 2,
    amount: 1_750_000,
    kind: 'correction',
    supersedes: 'dec-a3-1',
    decisionDate: '2027-02-01',
    portfolioId: 'p2',
    portfolioNumber: 2,
  }),
];
const register = buildRegister(apps, decisions, portfolios, new Date('2027-03-01T10:00:00Z'));

describe('the register exports for the project office', () => {
  it('when the application register is exported, then the CSV parses back to exactly the register, with Swedish numbers and the decision in force', () => {
    const rows = parseSwedishCsv(applicationsCsv(register));
    const [header, ...body] = rows;
    expect(header.slice(0, 3)).toEqual(['Diarienummer', 'Inkom', 'Projekt']);
    // The draft never reached the authority, so it is not in the register.
    expect(body).toHaveLength(3);
    const col = (name: string) => header.indexOf(name);
    const byRegNo = new Map(body.map((r) => [r[col('Diarienummer')], r]));
    for (const rec of register.applications) {
      const r = byRegNo.get(rec.regNo)!;
      expect(r[col('Projekt')]).toBe(rec.title.startsWith('=') ? `'${rec.title}` : rec.title);
      expect(r[col('Organisation')]).toBe(rec.organisation);
      expect(swedish(r[col('Sökt belopp (kr)')])).toBe(rec.requestedSek);
      expect(
        r[col('Beviljat belopp (kr)')] === '' ? null : swedish(r[col('Beviljat belopp (kr)')]),
      ).toBe(rec.decision?.grantedSek ?? null);
    }
    const a3 = byRegNo.get('PK 2026/0003')!;
    expect(a3[col('Beviljat belopp (kr)')]).toBe('1\u00a0750\u00a0000');
    expect(a3[col('Beslutsid')]).toBe('dec-a3-2');
    expect(a3[col('Portfölj')]).toBe('2. Portfölj 2');
    expect(byRegNo.get('PK 2026/0002')![col('Årlig effekt (kr)')]).toBe('1\u00a0234\u00a0567');
    expect(byRegNo.get('PK 2026/0002')![col('Status')]).toBe('Under beredning');
  });

  it('when every decision record is exported, then corrections stay next to the record they supersede and only the newest is in force', () => {
    const [header, ...body] = parseSwedishCsv(decisionsCsv(register));
    expect(
      body.map((r) => [
        r[header.indexOf('Beslutsid')],
        r[header.indexOf('Gäller')],
        r[header.indexOf('Ersätter beslut')],
      ]),
    ).toEqual([
      ['dec-a1-1', 'Ja', ''],
      ['dec-a3-1', 'Nej', ''],
      ['dec-a3-2', 'Ja', 'dec-a3-1'],
    ]);
    expect(body[0][header.indexOf('Medelbetyg')]).toBe('4,25');
    expect(body[0][header.indexOf('Beslut')]).toBe('Bifall');
  });

  it('when the register is exported as JSON, then it parses back to the same records', () => {
    const parsed = JSON.parse(JSON.stringify(register)) as typeof register;
    expect(parsed.applications).toEqual(register.applications);
    expect(parsed.decisions.map((d) => [d._id, d.inForce])).toEqual([
      ['dec-a1-1', true],
      ['dec-a3-1', false],
      ['dec-a3-2', true],
    ]);
  });

  it('when funded projects are followed up, then the status export shows reports due, sent, overdue and the realised share', () => {
    const projects = [
      project('a1', { grantedSek: 1_000_000 }),
      project('a3', { grantedSek: 2_000_000, endDate: '2027-03-31', portfolioId: 'p2' }),
    ];
    const reports = [
      report('project-a1', 'status-2027-Q1', '2027-03-31', {
        realisedEffectSek: 265_000,
        health: 'at_risk',
        spentSek: 400_000,
      }),
    ];
    const rows = buildFollowup(projects, reports, portfolios, '2027-07-15');
    expect(
      rows.map((r) => [
        r.regNo,
        r.reportsDue,
        r.reportsSent,
        r.overduePeriods.map((o) => o.period),
        r.realisedRatePercent,
        r.benefitFollowup.state,
      ]),
    ).toEqual([
      ['PK 2026/a1', 2, 1, ['final'], 26.5, 'coming'],
      ['PK 2026/a3', 1, 0, ['final'], null, 'coming'],
    ]);
    const [header, ...body] = parseSwedishCsv(followupCsv(rows));
    expect(body[0][header.indexOf('Effekthemtagning (%/år)')]).toBe('26,5');
    expect(body[0][header.indexOf('Senaste läge')]).toBe('Risk för avvikelse');
    expect(body[0][header.indexOf('Försenade rapporter')]).toBe('final (2027-06-30)');
    expect(swedish(body[1][header.indexOf('Beviljat (kr)')])).toBe(2_000_000);
  });
});
