import type { ApplicationStatus } from '../services/applications/application';
import type { Locale } from '../services/shared/actor';
import { strings } from './strings';

/**
 * A status is told by a coloured emoji beside its name, and the name stays in the card's default
 * text colour: Teams guarantees that colour's contrast on its light, dark and high-contrast themes,
 * whereas "Good"/"Warning" text falls below WCAG 2.1 AA (4.5:1) on some of them. The emoji is a
 * badge, never the only carrier of meaning (WCAG 1.4.1): the word is always there.
 */
export const STATUS_BADGES: Record<ApplicationStatus, string> = {
  draft: '📝',
  submitted: '📨',
  completion_requested: '✏️',
  in_review: '🔎',
  recommended: '👍',
  not_recommended: '👎',
  approved: '✅',
  rejected: '⛔',
  withdrawn: '↩️',
};

/** "✅ Beviljad": a status as a badge and its name, in the person's language. */
export function statusBadge(status: ApplicationStatus, locale: Locale): string {
  const name = strings(locale).status[status] ?? status;
  const badge = STATUS_BADGES[status];
  return badge ? `${badge} ${name}` : name;
}
