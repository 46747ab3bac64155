import { CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import { AdaptiveCard } from '../cards/render';

/** Sends a card as a new message in the current conversation; returns its activity id. */
export async function sendCard(context: TurnContext, card: AdaptiveCard): Promise<string | undefined> {
  const res = await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  return res?.id;
}
