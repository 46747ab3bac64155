import { Locale } from '../services/shared/actor';
import { AdaptiveCard } from './render';

/** Renders a card queued in the outbox from its stored view model, in the recipient's language. */
export type OutboxCardRenderer = (model: Record<string, unknown>, locale: Locale) => AdaptiveCard;
