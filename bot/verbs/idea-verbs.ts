import { messageCard } from '../../cards/application-cards';
import { ideaFormCard } from '../../cards/common-cards';
import { escapeMarkdown } from '../../cards/render';
import { fmt, strings } from '../../cards/strings';
import { submitIdea } from '../../services/ideas/submit-idea';
import { VerbHandler } from '../handler-types';

/** `idea.new`: the idea form from a button. */
export const ideaNew: VerbHandler = async (context, { deps, actor }) => {
  const prefill = await deps.lookupProfile(context, actor);
  return ideaFormCard(actor.locale, await deps.services.portfolios.all(), { organisation: prefill.organisation ?? '' });
};

/** `idea.submit`: sends the idea to the project office, or shows what to fix. */
export const ideaSubmit: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  const result = await submitIdea(deps.services, actor, data, activityId);
  if (!result.ok) {
    const values: Record<string, string> = {};
    for (const k of ['title', 'need', 'organisation', 'portfolioId']) if (typeof data[k] === 'string') values[k] = data[k] as string;
    return ideaFormCard(actor.locale, await deps.services.portfolios.all(), values, result.errors);
  }
  const t = strings(actor.locale);
  return messageCard({
    title: t.idea.title,
    lines: [{ text: fmt(t.idea.sent, { title: escapeMarkdown(result.idea.title) }) }],
    actions: [{ title: t.actions.newApplication, verb: 'application.new', style: 'positive' }],
  });
};
