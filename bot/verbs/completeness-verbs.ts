import { completenessCard } from '../../cards/completeness-cards';
import { confirmComplete, requestCompletion } from '../../services/review/completeness';
import { VerbHandler } from '../handler-types';
import { teamsDirectory } from '../roster';
import { withReviewRefusals } from './review-verbs';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** `completeness.complete`: "Komplett" – the application goes to its portfolio's review channel. */
export const completenessComplete: VerbHandler = withReviewRefusals(
  async (context, { deps, actor, data, activityId }) => {
    const s = deps.services;
    const outcome = await confirmComplete(
      s,
      teamsDirectory(context, s),
      actor,
      data.appId,
      data.submittedAt,
      activityId,
    );
    return completenessCard(outcome.model, actor.locale, {
      unboundPortfolio:
        outcome.item && !outcome.item.channelId ? outcome.item.facts.portfolio.number : undefined,
    });
  },
);

/** `completeness.request`: "Begär komplettering" with the checklist of what is missing and a note. */
export const completenessRequest: VerbHandler = withReviewRefusals(
  async (_context, { deps, actor, data, activityId }) => {
    const result = await requestCompletion(
      deps.services,
      actor,
      data.appId,
      data.submittedAt,
      data.missing ?? '',
      data.note,
      activityId,
    );
    if (!result.ok) {
      return completenessCard(result.model, actor.locale, {
        error: result.error,
        draft: { missing: str(data.missing), note: str(data.note) },
      });
    }
    return completenessCard(result.model, actor.locale);
  },
);
