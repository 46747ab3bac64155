import { describeReason, describeReduction } from '../allocation/describe-reason';
import type { ItemReason, Part, Reduction } from '../allocation/types';
import type { Locale } from '../shared/actor';
import { formatSek } from '../shared/amount';
import type { DecisionKind, DecisionOutcome } from './decision';

/** The part of a frame the money comes from, as a decision states it. */
export const PART_OF_FRAME: Record<Locale, Record<Part, string>> = {
  sv: {
    innovation: 'innovationsdelen',
    improvement: 'förbättringsdelen',
    maintenance: 'förvaltningsdelen',
  },
  en: {
    innovation: 'the innovation part',
    improvement: 'the improvement part',
    maintenance: 'the maintenance part',
  },
};

/** What the reasons of a decision are made of. */
export interface ReasonFacts {
  outcome: DecisionOutcome;
  kind: DecisionKind;
  amount: number;
  part: Part;
  year: number;
  lineReason?: ItemReason;
  reduction?: Reduction;
  meanScore?: number;
  valueScore?: number;
  note?: string;
  supersedesRegNo?: string;
}

const score = (v: number, locale: Locale): string =>
  locale === 'sv' ? v.toFixed(2).replace('.', ',') : v.toFixed(2);

/**
 * The reasons of a decision in plain words, as the record keeps them: what was granted from
 * which part, where the item fell against the funding line and why, and the scores behind it.
 */
export function decisionReasonText(f: ReasonFacts, locale: Locale): string {
  const sv = locale === 'sv';
  const parts: string[] = [];
  const part = PART_OF_FRAME[locale][f.part];
  if (f.outcome === 'approved') {
    parts.push(
      sv
        ? `Beviljas ${formatSek(f.amount, locale)} ur ${part} av ramen för ${f.year}.`
        : `Granted ${formatSek(f.amount, locale)} from ${part} of the ${f.year} frame.`,
    );
  } else {
    parts.push(sv ? 'Avslås.' : 'Rejected.');
  }
  if (f.kind === 'not_recommended') {
    parts.push(
      sv
        ? 'Beredningsgruppen tillstyrkte inte ansökan.'
        : 'The review group did not recommend the application.',
    );
  }
  if (f.kind === 'correction') {
    parts.push(sv ? 'Rättelse av tidigare beslut.' : 'Correction of an earlier decision.');
  }
  if (f.lineReason) {
    const why = describeReason(f.lineReason, locale);
    parts.push(sv ? `Fördelning inom ramen: ${why}.` : `Allocation within the frame: ${why}.`);
  }
  if (f.reduction) parts.push(`${capitalise(describeReduction(f.reduction, locale))}.`);
  if (typeof f.meanScore === 'number') {
    const adjusted = typeof f.valueScore === 'number' ? f.valueScore / 100 : undefined;
    parts.push(
      sv
        ? `Beredningsgruppens medelbetyg ${score(f.meanScore, locale)}${adjusted !== undefined ? `, justerat betyg ${score(adjusted, locale)}` : ''}.`
        : `Review group's mean score ${score(f.meanScore, locale)}${adjusted !== undefined ? `, adjusted score ${score(adjusted, locale)}` : ''}.`,
    );
  }
  if (f.note) parts.push(sv ? `Motivering: ${f.note}` : `Reason: ${f.note}`);
  return parts.join(' ');
}

function capitalise(text: string): string {
  return text.length > 0 ? text[0].toUpperCase() + text.slice(1) : text;
}
