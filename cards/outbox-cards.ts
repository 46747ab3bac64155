import { Locale } from '../services/shared/actor';
import { allocationOutboxCards } from './allocation-cards';
import { coachOutboxCards } from './coach-cards';
import { officeOutboxCards } from './common-cards';
import { completenessOutboxCards } from './completeness-cards';
import { decisionOutboxCards } from './decision-cards';
import { followupOutboxCards } from './followup-cards';
import { portfolioOutboxCards } from './portfolio-cards';
import type { OutboxCardRenderer } from './outbox-card-renderer';
import { AdaptiveCard } from './render';
import { reminderOutboxCards } from './reminder-cards';
import { reviewOutboxCards } from './review-cards';

/** Every outbox card by template name; each area adds its own map here (one line each). */
const RENDERERS: Record<string, OutboxCardRenderer> = {
  ...officeOutboxCards,
  ...coachOutboxCards,
  ...completenessOutboxCards,
  ...reviewOutboxCards,
  ...followupOutboxCards,
  ...reminderOutboxCards,
  ...allocationOutboxCards,
  ...decisionOutboxCards,
  ...portfolioOutboxCards,
};

/** The card for an outbox message, or null when the template is unknown (recorded as a failure). */
export function renderOutboxCard(
  template: string,
  model: Record<string, unknown>,
  locale: Locale,
): AdaptiveCard | null {
  const render = RENDERERS[template];
  return render ? render(model, locale) : null;
}
