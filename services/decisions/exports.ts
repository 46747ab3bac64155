import { PARTS } from '../applications/wizard-steps';
import type { AllocationRoundDoc } from '../allocation/allocation-round';
import type { FrameLedgerDoc } from '../allocation/frame-ledger';
import type { PortfolioDoc } from '../portfolios/portfolio-repository';
import { NBSP } from '../shared/amount';
import { currentDecisions } from './decision-repository';
import type { DecisionDoc } from './decision';
import { PART_OF_FRAME } from './decision-text';

/** Byte order mark: Excel opens a UTF-8 CSV correctly only with it. */
export const BOM = '\ufeff';
/** Swedish Excel's list separator. */
export const CSV_SEPARATOR = ';';

/**
 * A number as Swedish Excel reads it: digit groups separated by a no-break space and a decimal
 * comma ("1 200 000", "4,25").
 */
export function swedishNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '';
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  const sign = value < 0 && Number(fixed) !== 0 ? '-' : '';
  return `${sign}${grouped}${fraction ? `,${fraction}` : ''}`;
}

/**
 * One CSV field: quoted when it holds the separator, a quote or a line break; text that a
 * spreadsheet would run as a formula (=, +, -, @ first) is prefixed with an apostrophe.
 */
export function csvField(value: string): string {
  let v = value;
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[";\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A CSV file for Swedish Excel: BOM, semicolons, CRLF line ends. Numbers come pre-formatted. */
export function toCsv(header: string[], rows: { text: string[] }[]): string {
  const lines = [header, ...rows.map((r) => r.text)].map((cells) =>
    cells.map(csvField).join(CSV_SEPARATOR),
  );
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

const OUTCOME_SV = { approved: 'Bifall', rejected: 'Avslag' } as const;

function partName(d: DecisionDoc): string {
  return PART_OF_FRAME.sv[d.part].replace(/^./, (c) => c.toUpperCase());
}

/** Paragraph numbers: the round's first decisions in registration-number order, then corrections in time order. */
function ordered(decisions: readonly DecisionDoc[]): DecisionDoc[] {
  const first = decisions
    .filter((d) => !d.supersedes)
    .sort((a, b) => a.regNo.localeCompare(b.regNo, 'sv') || a.seq - b.seq);
  const corrections = decisions
    .filter((d) => !!d.supersedes)
    .sort((a, b) => a.decidedAt.localeCompare(b.decidedAt) || a.regNo.localeCompare(b.regNo, 'sv'));
  return [...first, ...corrections];
}

/** The decisions of a round as the rows of its protocol (CSV for diarieföring). */
export function protocolCsv(decisions: readonly DecisionDoc[]): string {
  const rows = ordered(decisions).map((d, i) => ({
    text: [
      String(i + 1),
      d.regNo,
      d._id,
      d.title,
      d.organisation,
      `${d.portfolioNumber}. ${d.portfolioName.sv}`,
      String(d.year),
      partName(d),
      OUTCOME_SV[d.outcome],
      swedishNumber(d.requestedAmount),
      swedishNumber(d.amount),
      typeof d.meanScore === 'number' ? swedishNumber(d.meanScore, 2) : '',
      d.reasonText.sv,
      d.decidedBy.name,
      d.delegation,
      d.recusedNames.join(', '),
      d.decisionDate,
      d.supersedes ?? '',
    ],
  }));
  return toCsv(
    [
      'Paragraf',
      'Diarienummer',
      'Beslutsid',
      'Projekt',
      'Organisation',
      'Portfölj',
      'År',
      'Del av ramen',
      'Beslut',
      'Sökt belopp (kr)',
      'Beviljat belopp (kr)',
      'Medelbetyg',
      'Skäl',
      'Beslutsfattare',
      'Delegation',
      'Deltog inte p.g.a. jäv',
      'Beslutsdatum',
      'Ersätter beslut',
    ],
    rows,
  );
}

/** Text for a Markdown table cell: pipes escaped, line breaks flattened. */
function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\s*\r?\n\s*/g, ' ');
}

const kr = (n: number): string => `${swedishNumber(n)}${NBSP}kr`;

/** The protocol of a round in Markdown, in Swedish (the language of the record), ready to register. */
export function protocolMarkdown(
  round: AllocationRoundDoc,
  portfolio: PortfolioDoc,
  ledger: FrameLedgerDoc | null,
  decisions: readonly DecisionDoc[],
): string {
  const list = ordered(decisions);
  const conf = round.confirmation;
  const lines: string[] = [];
  lines.push(
    `# Protokoll: fördelning av medel ur portfölj ${portfolio.number} – ${cell(portfolio.name.sv)}, ${round.year}`,
  );
  lines.push('');
  lines.push(`- Beslutsdatum: ${list[0]?.decisionDate ?? '–'}`);
  lines.push(`- Beslutsfattare: ${cell(conf?.byName ?? list[0]?.decidedBy.name ?? '–')}`);
  lines.push(`- Delegation: ${cell(conf?.delegation ?? list[0]?.delegation ?? '–')}`);
  lines.push(`- Fördelningsomgång: ${round._id}`);
  if (ledger) {
    lines.push(
      `- Ram ${round.year}: ${kr(ledger.amount)} (${PARTS.map((p) => `${PART_OF_FRAME.sv[p]} ${swedishNumber(ledger.shares[p], Number.isInteger(ledger.shares[p]) ? 0 : 2)} %`).join(', ')})`,
    );
    lines.push(
      `- Beviljat hittills ${round.year}: ${kr(PARTS.reduce((a, p) => a + ledger.used[p], 0))}`,
    );
  }
  lines.push('');
  lines.push('## Beslut');
  lines.push('');
  lines.push(
    '| § | Diarienummer | Projekt | Organisation | Del av ramen | Beslut | Sökt | Beviljat | Skäl | Deltog inte p.g.a. jäv |',
  );
  lines.push('|---|---|---|---|---|---|---:|---:|---|---|');
  list.forEach((d, i) => {
    if (d.supersedes && (i === 0 || !list[i - 1].supersedes)) {
      lines.push('');
      lines.push('## Rättelser');
      lines.push('');
      lines.push(
        '| § | Diarienummer | Projekt | Organisation | Del av ramen | Beslut | Sökt | Beviljat | Skäl | Ersätter |',
      );
      lines.push('|---|---|---|---|---|---|---:|---:|---|---|');
    }
    const last = d.supersedes ? d.supersedes : d.recusedNames.join(', ') || '–';
    lines.push(
      `| ${i + 1} | ${cell(d.regNo)} | ${cell(d.title)} | ${cell(d.organisation)} | ${partName(d)} | ${OUTCOME_SV[d.outcome]} | ${kr(d.requestedAmount)} | ${kr(d.amount)} | ${cell(d.reasonText.sv)} | ${cell(last)} |`,
    );
  });
  lines.push('');
  const approved = currentDecisions(list).filter((d) => d.outcome === 'approved');
  lines.push(
    `Summa beviljat i omgången: ${kr(approved.reduce((a, d) => a + d.amount, 0))} till ${approved.length} projekt.`,
  );
  lines.push('');
  lines.push('Besluten är allmänna handlingar (offentlighetsprincipen).');
  return `${lines.join('\n')}\n`;
}

/** One funded project in the public register. */
export interface RegisterEntry {
  regNo: string;
  title: string;
  organisation: string;
  amount: number;
  portfolioNumber: number;
  portfolio: string;
  year: number;
  decisionDate: string;
}

/** The public register of funded projects: the approved decisions in force, oldest first. */
export function publicRegister(decisions: readonly DecisionDoc[]): RegisterEntry[] {
  return currentDecisions(decisions)
    .filter((d) => d.outcome === 'approved')
    .sort(
      (a, b) =>
        a.decisionDate.localeCompare(b.decisionDate) || a.regNo.localeCompare(b.regNo, 'sv'),
    )
    .map((d) => ({
      regNo: d.regNo,
      title: d.title,
      organisation: d.organisation,
      amount: d.amount,
      portfolioNumber: d.portfolioNumber,
      portfolio: d.portfolioName.sv,
      year: d.year,
      decisionDate: d.decisionDate,
    }));
}

/** The public register as CSV for Swedish Excel. */
export function publicRegisterCsv(entries: readonly RegisterEntry[]): string {
  return toCsv(
    [
      'Diarienummer',
      'Projekt',
      'Organisation',
      'Beviljat belopp (kr)',
      'Portfölj',
      'År',
      'Beslutsdatum',
    ],
    entries.map((e) => ({
      text: [
        e.regNo,
        e.title,
        e.organisation,
        swedishNumber(e.amount),
        `${e.portfolioNumber}. ${e.portfolio}`,
        String(e.year),
        e.decisionDate,
      ],
    })),
  );
}
