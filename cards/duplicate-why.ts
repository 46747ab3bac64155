import { DuplicateOverlap } from '../services/review/review-types';
import { Locale } from '../services/shared/actor';
import { clip, escapeMarkdown } from './render';
import { fmt } from './strings';
import { duplicateText } from './strings/duplicate-strings';

/** The longest claim quoted on the card. */
const MAX_CLAIM = 160;

/**
 * Why a possible double counting is flagged, in the reader's language: the other application's
 * benefit claim that this one shares, and the words they share. Empty for hits stored before the
 * detector kept its reasons.
 */
export function duplicateWhy(overlap: DuplicateOverlap | undefined, locale: Locale): string {
  if (!overlap || overlap.words.length === 0) return '';
  const t = duplicateText(locale);
  const words = overlap.words.map((w) => escapeMarkdown(w)).join(', ');
  const claim = overlap.theirClaim?.replace(/[.;]\s*$/, '');
  return claim
    ? fmt(t.sameBenefit, { claim: escapeMarkdown(clip(claim, MAX_CLAIM)), words })
    : fmt(t.sharedWords, { words });
}
