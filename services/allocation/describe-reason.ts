import { formatTkr } from '../shared/amount';
import type { ItemReason, Part, Reduction } from './types';

type Locale = 'sv' | 'en';

const PART_NAME: Record<Locale, Record<Part, string>> = {
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

/** Renders an item's funding-line reason as the card shows it ("fits", "left out: …"). */
export function describeReason(reason: ItemReason, locale: Locale): string {
  const sv = locale === 'sv';
  const why = 'reason' in reason && reason.reason ? `: ${reason.reason}` : '';
  switch (reason.code) {
    case 'fits':
      return sv ? 'ryms' : 'fits';
    case 'forced_in':
      return (sv ? 'tvingad in av ordföranden' : 'forced in by the chair') + why;
    case 'forced_out':
      return (sv ? 'tvingad ut av ordföranden' : 'forced out by the chair') + why;
    case 'left_out_exceeds_part': {
      const over = formatTkr(reason.overBySek, locale);
      const part = PART_NAME[locale][reason.part];
      return sv
        ? `utanför: skulle överskrida ${part} med ${over}`
        : `left out: would exceed ${part} by ${over}`;
    }
    case 'left_out_larger_than_part': {
      const over = formatTkr(reason.overBySek, locale);
      const part = PART_NAME[locale][reason.part];
      return sv
        ? `utanför: ${over} större än det som finns i ${part}`
        : `left out: ${over} more than ${part} has`;
    }
    case 'forced_in_over_budget': {
      const over = formatTkr(reason.overBySek, locale);
      const part = PART_NAME[locale][reason.part];
      return sv
        ? `tvingad in, men de tvingade ansökningarna överskrider ${part} med ${over}: ingenting fördelas där förrän någon tas bort eller minskas`
        : `forced in, but the forced-in applications exceed ${part} by ${over}: nothing is allocated there until one is removed or reduced`;
    }
    case 'part_over_committed': {
      const over = formatTkr(reason.overBySek, locale);
      const part = PART_NAME[locale][reason.part];
      return sv
        ? `inte prövad: tvingade ansökningar överskrider ${part} med ${over}`
        : `not considered: forced-in applications exceed ${part} by ${over}`;
    }
  }
}

/** Renders a chair's reduction of an amount ("reduced from 1 200 tkr to 800 tkr: …"). */
export function describeReduction(reduction: Reduction, locale: Locale): string {
  const from = formatTkr(reduction.from, locale);
  const to = formatTkr(reduction.to, locale);
  const why = reduction.reason ? `: ${reduction.reason}` : '';
  return (
    (locale === 'sv' ? `minskad från ${from} till ${to}` : `reduced from ${from} to ${to}`) + why
  );
}
