import { ideaFormCard } from '../../cards/common-cards';
import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';

/** `ny idé` / `new idea`: the short idea-sketch form. */
export const newIdeaCommand: CommandHandler = async (context, { deps, actor }) => {
  const prefill = await deps.lookupProfile(context, actor);
  const portfolios = await deps.services.portfolios.all();
  await sendCard(context, ideaFormCard(actor.locale, portfolios, { organisation: prefill.organisation ?? '' }));
};
