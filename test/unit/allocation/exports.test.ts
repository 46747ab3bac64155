import {
  BOM,
  csvField,
  protocolCsv,
  protocolMarkdown,
  publicRegister,
  publicRegisterCsv,
  swedishNumber,
} from '../../../services/decisions/exports';
import type { AllocationRoundDoc } from '../../../services/allocation/allocation-round';
import type { PortfolioDoc } from '../../../services/portfolios/portfolio-repository';
import { signPath, signedUrl, verifySignedPath } from '../../../services/decisions/signed-links';
import { decision } from './decision-fixture';

/** A small RFC 4180 reader with a chosen separator: what Excel does when it opens the file. */
function parseCsv(text: string, sep = ';'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** Reads a Swedish-formatted number back ("1 200 000" with NBSP or space, decimal comma). */
function readSwedish(text: string): number {
  expect(text).toMatch(/^-?\d{1,3}([\u00a0 ]\d{3})*(,\d+)?$/);
  return Number(text.replace(/[\u00a0 ]/g, '').replace(',', '.'));
}

const PORTFOLIO: PortfolioDoc = {
  _id: 'p1',
  number: 1,
  key: 'tillganglighet',
  name: { sv: 'Tillgänglighet och service', en: 'Accessibility and service' },
  relaxedBenefit: false,
  frames: [],
  quorum: 3,
  reviewDays: 10,
};

const ROUND: AllocationRoundDoc = {
  _id: '11111111-2222-3333-4444-555555555555',
  portfolioId: 'p1',
  year: 2027,
  status: 'confirmed',
  whatIfs: [],
  createdBy: 'chair',
  createdByName: 'David Dahl',
  createdAt: '2027-01-20T09:00:00Z',
  updatedAt: '2027-01-20T10:00:00Z',
  version: 3,
  confirmation: {
    by: 'dm',
    byName: 'David Dahl',
    at: '2027-01-20T10:00:00Z',
    delegation: 'KS delegationsordning 2026 p. 4.2',
    records: [],
  },
  confirmedAt: '2027-01-20T10:00:00Z',
};

describe('decision exports for registration (diarieföring)', () => {
  const approved = decision({
    applicationId: 'a-0001',
    regNo: 'PK 2027/0001',
    title: 'Förskola; "digital" ansökan',
    amount: 1_200_000,
    requestedAmount: 1_500_000,
    meanScore: 4.25,
    recusedNames: ['Fredrik Falk'],
    reasonText: { sv: 'Beviljas 1 200 000 kr ur förbättringsdelen.\nRyms.', en: 'Granted.' },
  });
  const rejected = decision({
    applicationId: 'a-0002',
    regNo: 'PK 2027/0002',
    title: '=HYPERLINK("x")',
    outcome: 'rejected',
    amount: 0,
    requestedAmount: 800_000,
    meanScore: 3,
  });
  const correction = decision({
    applicationId: 'a-0001',
    seq: 2,
    regNo: 'PK 2027/0001',
    title: 'Förskola; "digital" ansökan',
    amount: 1_000_000,
    requestedAmount: 1_500_000,
    kind: 'correction',
    supersedes: approved._id,
    decidedAt: '2027-02-01T10:00:00.000Z',
    decisionDate: '2027-02-01',
  });

  it('when the protocol CSV is parsed back, then it has the BOM, semicolons, one row per decision and Swedish numbers', () => {
    const csv = protocolCsv([rejected, correction, approved]);
    expect(csv.startsWith(BOM)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv.slice(BOM.length));
    const [header, ...body] = rows;
    expect(header[0]).toBe('Paragraf');
    expect(header).toContain('Beviljat belopp (kr)');
    expect(body).toHaveLength(3);
    expect(body.every((r) => r.length === header.length)).toBe(true);
    const col = (name: string) => header.indexOf(name);
    // Paragraphs: first decisions in registration-number order, then the correction.
    expect(body.map((r) => r[col('Diarienummer')])).toEqual([
      'PK 2027/0001',
      'PK 2027/0002',
      'PK 2027/0001',
    ]);
    expect(body[0][col('Projekt')]).toBe('Förskola; "digital" ansökan');
    expect(readSwedish(body[0][col('Beviljat belopp (kr)')])).toBe(1_200_000);
    expect(body[0][col('Beviljat belopp (kr)')]).toBe('1\u00a0200\u00a0000');
    expect(readSwedish(body[0][col('Sökt belopp (kr)')])).toBe(1_500_000);
    expect(body[0][col('Medelbetyg')]).toBe('4,25');
    expect(body[0][col('Skäl')]).toBe('Beviljas 1 200 000 kr ur förbättringsdelen.\nRyms.');
    expect(body[0][col('Deltog inte p.g.a. jäv')]).toBe('Fredrik Falk');
    expect(body[1][col('Beslut')]).toBe('Avslag');
    expect(readSwedish(body[1][col('Beviljat belopp (kr)')])).toBe(0);
    // A title that looks like a formula is not run by Excel.
    expect(body[1][col('Projekt')]).toBe('\'=HYPERLINK("x")');
    expect(body[2][col('Ersätter beslut')]).toBe(approved._id);
    expect(readSwedish(body[2][col('Beviljat belopp (kr)')])).toBe(1_000_000);
  });

  it('when numbers are formatted for Swedish Excel, then digits are grouped by three with a no-break space and decimals take a comma', () => {
    expect(swedishNumber(0)).toBe('0');
    expect(swedishNumber(999)).toBe('999');
    expect(swedishNumber(1000)).toBe('1\u00a0000');
    expect(swedishNumber(42_000_000)).toBe('42\u00a0000\u00a0000');
    expect(swedishNumber(4.256, 2)).toBe('4,26');
    expect(swedishNumber(-1500)).toBe('-1\u00a0500');
    expect(csvField('a;b')).toBe('"a;b"');
    expect(csvField('+46 8 508')).toBe("'+46 8 508");
    expect(csvField('plain')).toBe('plain');
  });

  it('when the public register is built, then it lists the approved decisions in force with the corrected amount, and nothing rejected', () => {
    const entries = publicRegister([approved, rejected, correction]);
    expect(entries).toEqual([
      {
        regNo: 'PK 2027/0001',
        title: 'Förskola; "digital" ansökan',
        organisation: 'Utbildningsförvaltningen',
        amount: 1_000_000,
        portfolioNumber: 1,
        portfolio: 'Tillgänglighet och service',
        year: 2027,
        decisionDate: '2027-02-01',
      },
    ]);
    const rows = parseCsv(publicRegisterCsv(entries).slice(1));
    expect(rows[0]).toEqual([
      'Diarienummer',
      'Projekt',
      'Organisation',
      'Beviljat belopp (kr)',
      'Portfölj',
      'År',
      'Beslutsdatum',
    ]);
    expect(readSwedish(rows[1][3])).toBe(1_000_000);
    expect(rows[1][1]).toBe('Förskola; "digital" ansökan');
  });

  it('when the protocol is written in Markdown, then each decision is a table row with its paragraph, and corrections have their own section', () => {
    const text = protocolMarkdown(ROUND, PORTFOLIO, null, [approved, rejected, correction]);
    expect(text).toContain(
      '# Protokoll: fördelning av medel ur portfölj 1 – Tillgänglighet och service, 2027',
    );
    expect(text).toContain('- Delegation: KS delegationsordning 2026 p. 4.2');
    expect(text).toMatch(
      /\| 1 \| PK 2027\/0001 \| Förskola; "digital" ansökan \| Utbildningsförvaltningen \| Förbättringsdelen \| Bifall \| 1\u00a0500\u00a0000\u00a0kr \| 1\u00a0200\u00a0000\u00a0kr \| Beviljas 1 200 000 kr ur förbättringsdelen\. Ryms\. \| Fredrik Falk \|/,
    );
    expect(text).toContain('| 2 | PK 2027/0002 |');
    expect(text).toContain('## Rättelser');
    expect(text).toMatch(/\| 3 \| PK 2027\/0001 .* \| dec-a-0001-1 \|/);
    expect(text).toContain(
      'Summa beviljat i omgången: 1\u00a0000\u00a0000\u00a0kr till 1 projekt.',
    );
  });
});

describe('signed export links', () => {
  const secret = 'a'.repeat(40);
  const path = '/exports/rounds/11111111-2222-3333-4444-555555555555/protocol.csv';
  const now = new Date('2027-01-20T10:00:00Z');
  const params = (q: string) => Object.fromEntries(new URLSearchParams(q));

  it('when a link is fresh and untouched, then it is accepted; later than its life, it is expired', () => {
    const q = params(signPath(secret, path, now));
    expect(verifySignedPath(secret, path, q.exp, q.sig, now)).toBe('ok');
    expect(
      verifySignedPath(secret, path, q.exp, q.sig, new Date(now.getTime() + 14 * 60_000)),
    ).toBe('ok');
    expect(
      verifySignedPath(secret, path, q.exp, q.sig, new Date(now.getTime() + 16 * 60_000)),
    ).toBe('expired');
  });

  it('when the path, the expiry, the signature or the secret differ, then the link is refused', () => {
    const q = params(signPath(secret, path, now));
    expect(verifySignedPath(secret, path.replace('csv', 'md'), q.exp, q.sig, now)).toBe('bad');
    expect(verifySignedPath(secret, path, String(Number(q.exp) + 3600), q.sig, now)).toBe('bad');
    expect(
      verifySignedPath(
        secret,
        path,
        q.exp,
        q.sig.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
        now,
      ),
    ).toBe('bad');
    expect(verifySignedPath('b'.repeat(40), path, q.exp, q.sig, now)).toBe('bad');
    expect(verifySignedPath(secret, path, undefined, q.sig, now)).toBe('missing');
    expect(verifySignedPath(secret, path, 'x', 'y', now)).toBe('bad');
  });

  it('when a link is made for a base URL, then it is the base, the path and the signature', () => {
    const url = new URL(signedUrl('https://pk.kommun.se/', path, secret, now));
    expect(url.origin + url.pathname).toBe(`https://pk.kommun.se${path}`);
    expect(
      verifySignedPath(
        secret,
        url.pathname,
        url.searchParams.get('exp') ?? undefined,
        url.searchParams.get('sig') ?? undefined,
        now,
      ),
    ).toBe('ok');
  });
});
