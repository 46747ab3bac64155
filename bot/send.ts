import { CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import { fitCard } from '../cards/card-size-guard';
import { AdaptiveCard, MAX_CARD_BYTES } from '../cards/render';
import { Locale, localeOf } from '../services/shared/actor';
import type { Logger } from '../services/logging/logger';
import { TURN_LOG_KEY } from '../services/logging/turn-logger';

/**
 * A card as it may leave the bot: over Teams' size limit it is cut to what fits with a line
 * saying so, and a warning is logged (paging should make this never happen).
 */
export function guardCard(
  card: AdaptiveCard,
  locale: Locale,
  log: Logger | undefined,
): AdaptiveCard {
  const fitted = fitCard(card, locale);
  if (fitted.truncated) {
    log?.warn(
      { bytesBefore: fitted.bytesBefore, bytesAfter: fitted.bytesAfter, limit: MAX_CARD_BYTES },
      'card over the Teams size limit: truncated before sending',
    );
  }
  return fitted.card;
}

/** Sends a card as a new message in the current conversation; returns its activity id. */
export async function sendCard(
  context: TurnContext,
  card: AdaptiveCard,
): Promise<string | undefined> {
  const log = context.turnState.get(TURN_LOG_KEY) as Logger | undefined;
  const safe = guardCard(card, localeOf(context.activity?.locale), log);
  const res = await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(safe)));
  return res?.id;
}
