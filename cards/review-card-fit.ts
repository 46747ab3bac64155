import { Locale } from '../services/shared/actor';
import { clip, escapeMarkdown } from './render';
import { fmt } from './strings';
import { ReviewStrings } from './strings/review-strings';
import { stockholmDay } from '../services/shared/dates';

/** A line of text on the review card, with its colour. */
export type Line = { text: string; color: string };
export const line = (text: string, color = 'Default'): Line => ({ text, color });
/** User text as markdown that renders as typed (anything not a string is empty). */
export const md = (v: unknown): string => (typeof v === 'string' ? escapeMarkdown(v) : '');
export const day = (iso: string | undefined): string => stockholmDay(iso);
export const num = (n: number, locale: Locale): string =>
  locale === 'sv' ? n.toFixed(1).replace('.', ',') : n.toFixed(1);

/**
 * How much of its long texts and lists a review card shows. The card is built with the first
 * budget and, while it is over Teams' limit (80 KB counted in UTF-16), again with the next, as
 * "Visa hela ansökan" does with its field texts. The forms, what is typed in them and the actions
 * are never shortened: only what the card quotes.
 */
export interface ReviewBudget {
  /** Longest quoted text: the statement, benefits, reported conflicts, motivations, notes. */
  text: number;
  /** Longest name or organisation. */
  name: number;
  /** Most names (or completion rounds) listed; the rest are counted. */
  names: number;
  /** Most reported conflicts listed for the chair at once; the rest are counted. */
  objections: number;
}

/** The first is what the card shows when it fits (every text as stored, within its own limit). */
export const REVIEW_BUDGETS: readonly ReviewBudget[] = [
  { text: 1500, name: 200, names: 60, objections: 10 },
  { text: 600, name: 120, names: 30, objections: 10 },
  { text: 250, name: 80, names: 15, objections: 5 },
  { text: 100, name: 50, names: 8, objections: 3 },
  { text: 40, name: 30, names: 3, objections: 1 },
];

/** The most members offered in the objection form (as many as services/review lists). */
export const MAX_MEMBER_CHOICES = 60;

/** Quoted user text within the budget, as markdown. */
export const quote = (text: unknown, max: number): string =>
  md(typeof text === 'string' ? clip(text, max) : '');

/** "Anna, Bo och 4 till": the first names within the budget, the rest counted. */
export function nameList(names: readonly string[], b: ReviewBudget, r: ReviewStrings): string {
  const shown = names
    .slice(0, b.names)
    .map((n) => quote(n, b.name))
    .join(', ');
  return names.length > b.names
    ? fmt(r.review.fit.moreNames, { names: shown, count: names.length - b.names })
    : shown;
}

/**
 * A form's value as the card fills it in again: never longer than its input takes (a longer
 * draft can only come from a client that ignored the input's maxLength).
 */
export const inputValue = (value: string | undefined, maxLength: number): string =>
  !value ? '' : value.length <= maxLength ? value : value.slice(0, maxLength);
