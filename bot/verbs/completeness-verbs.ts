import { TurnContext } from 'botbuilder';
import { completenessCard } from '../../cards/completeness-cards';
import { AdaptiveCard } from '../../cards/render';
import { reviewRefusalCard } from '../../cards/review-cards';
import { fmt } from '../../cards/strings';
import { reviewText } from '../../cards/strings/review-strings';
import {
  confirmComplete,
  currentCompletenessModel,
  isOfficeAdmin,
  requestCompletion,
} from '../../services/review/completeness';
import { DomainError } from '../../services/shared/domain-error';
import { VerbHandler, VerbRequest } from '../handler-types';
import { teamsDirectory } from '../roster';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * A refusal never wipes the shared completeness card: the person gets the card as it stands,
 * in their own view, with the reason on it.
 */
function withCardKept(
  handler: (context: TurnContext, req: VerbRequest) => Promise<AdaptiveCard>,
): VerbHandler {
  return async (context, req) => {
    try {
      return await handler(context, req);
    } catch (err) {
      if (!(err instanceof DomainError) || typeof err.params.reason !== 'string') throw err;
      const { deps, actor, data } = req;
      const r = reviewText(actor.locale);
      const refusal = fmt(
        (r.refusals as Record<string, string>)[err.params.reason] ?? r.refusals.error,
        err.params,
      );
      const model = await currentCompletenessModel(deps.services, data.appId);
      if (!model) return reviewRefusalCard(actor.locale, err.params.reason, err.params);
      const admin = await isOfficeAdmin(deps.services, actor);
      return completenessCard(model, actor.locale, {
        viewer: admin ? 'admin' : 'other',
        refusal,
      });
    }
  };
}

/** `completeness.refresh`: the person's own view (an admin gets the form; Teams' automatic refresh too). */
export const completenessRefresh: VerbHandler = withCardKept(
  async (_context, { deps, actor, data }) => {
    const model = await currentCompletenessModel(deps.services, data.appId);
    if (!model) return reviewRefusalCard(actor.locale, 'app_not_found');
    const admin = await isOfficeAdmin(deps.services, actor);
    return completenessCard(model, actor.locale, { viewer: admin ? 'admin' : 'other' });
  },
);

/** `completeness.complete`: "Komplett" – the application goes to its portfolio's review channel. */
export const completenessComplete: VerbHandler = withCardKept(
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
      viewer: 'admin',
      unboundPortfolio:
        outcome.item && !outcome.item.channelId ? outcome.item.facts.portfolio.number : undefined,
    });
  },
);

/** `completeness.request`: "Begär komplettering" with the checklist of what is missing and a note. */
export const completenessRequest: VerbHandler = withCardKept(
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
        viewer: 'admin',
        error: result.error,
        draft: { missing: str(data.missing), note: str(data.note) },
      });
    }
    return completenessCard(result.model, actor.locale, { viewer: 'admin' });
  },
);
