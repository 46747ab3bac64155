import { createHash } from 'node:crypto';
import type { SubmittedData } from '../applications/application';
import { benefitProfile, claimText } from './benefit-similarity';

/**
 * The keys the benefit index lists an application under (benefit-index.ts): its benefit terms,
 * the starts and ends of its compounds, and the hash of its claim text.
 */

export const claimKey = (d: Partial<SubmittedData>): string | null => {
  const text = claimText(d);
  return text === '' ? null : `=${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
};

/**
 * The similarity credits a compound ("förskol" in "förskoleplats", "arkiv" in "fjärrarkiv") when
 * one term starts or ends another and the shared part has at least this many letters, so two
 * such terms always share their first or their last this many letters.
 */
const COMPOUND_PART = 5;

/** The keys a term is found by beyond itself: the start and end a compound would share. */
export function compoundKeys(term: string): string[] {
  return term.length < COMPOUND_PART
    ? []
    : [`^${term.slice(0, COMPOUND_PART)}`, `$${term.slice(-COMPOUND_PART)}`];
}

/**
 * The keys an application is found by: its benefit terms, the starts and ends of its compounds,
 * and the hash of its claim text.
 */
export function benefitKeys(d: Partial<SubmittedData>, profile = benefitProfile(d)): string[] {
  const keys = new Set<string>();
  for (const term of profile.weights.keys()) {
    keys.add(term);
    for (const k of compoundKeys(term)) keys.add(k);
  }
  const claim = claimKey(d);
  if (claim) keys.add(claim);
  return [...keys];
}

/** The spellings of a term that match it (benefit-similarity's matchOf: a final s or not). */
export function variants(term: string): string[] {
  return term.endsWith('s') ? [term, term.slice(0, -1), `${term}s`] : [term, `${term}s`];
}
