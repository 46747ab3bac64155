import type { AllocationItem } from './types';

/** Years over which the benefit calculation is weighed against its costs. */
export const BENEFIT_HORIZON_YEARS = 5;

/** The most a benefit calculation can add to the review score, in score points. */
export const MAX_BENEFIT_BONUS = 0.5;

/** Identifier of the value measure, stored with a proposal so a decision record can cite it. */
export const VALUE_MEASURE_ID = 'score-weighted-kronor-v1';

/** The value measure explained for the allocation card, Swedish and English. */
export const VALUE_MEASURE_TEXT = {
  sv:
    'Värde = justerat betyg × beviljat belopp. Justerat betyg = beredningsgruppens medelbetyg ' +
    '(1–5) plus ett nyttotillägg på högst 0,5: nyttokalkylens nettonytta över 5 år delat med ' +
    'kostnaden (utveckling + 5 års drift), begränsat till 0–1 och gånger 0,5. Varje krona väger ' +
    'alltså lika mycket som betyget på projektet den går till: att dela ett projekt i två ger ' +
    'inget extra värde. Måttet gynnar att ramen används fullt ut, så ett stort projekt med något ' +
    'lägre betyg kan gå före ett litet med högre betyg om det annars blir pengar över.',
  en:
    'Value = adjusted score × amount granted. Adjusted score = the review group’s mean score ' +
    '(1–5) plus a benefit bonus of at most 0.5: the benefit calculation’s 5-year net benefit ' +
    'divided by its cost (development + 5 years of running costs), capped to 0–1 and times 0.5. ' +
    'Every krona weighs as much as the score of the project it goes to: splitting a project in ' +
    'two adds no value. The measure favours using the whole frame, so a big project with a ' +
    'slightly lower score can beat a small one with a higher score if money would be left over.',
} as const;

/**
 * The benefit bonus in score points (0..MAX_BENEFIT_BONUS): how far the 5-year net benefit of
 * the benefit calculation exceeds its cost, relative to that cost. Zero when the benefit does
 * not cover the cost — notably innovation items whose benefit requirements are relaxed — so a
 * missing benefit calculation never counts against an item, it only fails to add.
 */
export function benefitBonus(item: AllocationItem): number {
  const running = Math.max(0, item.yearlyRunningCost);
  const dev = Math.max(0, item.devCost);
  const cost =
    dev + BENEFIT_HORIZON_YEARS * running > 0 ? dev + BENEFIT_HORIZON_YEARS * running : item.amount;
  if (!(cost > 0)) return 0;
  const net = BENEFIT_HORIZON_YEARS * Math.max(0, item.yearlyEffectSek) - cost;
  const ratio = Math.min(1, Math.max(0, net / cost));
  return MAX_BENEFIT_BONUS * ratio;
}

/**
 * The adjusted score in hundredths of a point (100..550): mean review score plus benefit bonus,
 * rounded half up to two decimals. Integer so that values, sums and ties are exact.
 */
export function valueScore(item: AllocationItem): number {
  const score = Math.min(5, Math.max(1, item.meanScore));
  return Math.floor((score + benefitBonus(item)) * 100 + 0.5 + 1e-9);
}

/**
 * The value an item adds when funded with `fundedAmount` kronor (default: the amount the engine
 * considers, i.e. the reduced amount if any): valueScore × kronor, an exact integer in units of
 * "hundredths of a score point × krona". A reduced grant scales the value proportionally — we
 * assume a smaller grant buys a proportionally smaller delivery, never more value per krona.
 */
export function itemValue(
  item: AllocationItem,
  fundedAmount: number = consideredAmount(item),
): number {
  return valueScore(item) * fundedAmount;
}

/** The amount the engine works with: the chair's reduced amount when set, else the request. */
export function consideredAmount(item: AllocationItem): number {
  return item.reducedAmount ?? item.amount;
}

/** Converts an engine value to "score points × MSEK" for display (e.g. 4.2 × 10 MSEK = 42). */
export function valueInScoreMsek(value: number): number {
  return value / 100 / 1_000_000;
}
