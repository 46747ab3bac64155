import { Activity, TurnContext } from 'botbuilder';
import {
  reviewApplicationCard,
  reviewCard,
  reviewRefusalCard,
  statementRequestCard,
  StatementRequestModel,
} from '../../cards/review-cards';
import { fmt } from '../../cards/strings';
import { reviewText } from '../../cards/strings/review-strings';
import { addThreadReply } from '../../services/review/discussion';
import { statementRequestModel } from '../../services/review/open-review';
import {
  castVote,
  closeReview,
  declareConflict,
  declareNoConflict,
  giveStatement,
  loadItem,
  raiseObjection,
  ruleObjection,
  viewReview,
} from '../../services/review/review-actions';
import { ReviewView } from '../../services/review/review-view';
import { CRITERIA, Criterion, Where } from '../../services/review/review-types';
import { Actor } from '../../services/shared/actor';
import { DomainError } from '../../services/shared/domain-error';
import { AdaptiveCard } from '../../cards/render';
import { MessageFallback, VerbHandler, VerbRequest } from '../handler-types';
import { teamsDirectory } from '../roster';
import { channelIdOf, scopeOf } from '../turn';

/** The channel and thread of the card that was clicked (undefined outside channels). */
export function whereOf(activity: Partial<Activity>): Where | undefined {
  if (scopeOf(activity) !== 'channel') return undefined;
  const conversationId = activity.conversation?.id ?? '';
  const root = /;messageid=([^;]+)$/.exec(conversationId)?.[1];
  return { channelId: channelIdOf(activity), threadRootId: root };
}

/** Refusals that concern the card itself (another item's id): nothing to keep. */
const NOT_THIS_CARD = new Set(['wrong_item', 'item_not_found']);

/**
 * The review card as it stands, in the person's own view, with the refusal on it: a refusal
 * never replaces the shared card. Null when there is no card to keep.
 */
async function keptReviewCard(
  context: TurnContext,
  req: VerbRequest,
  reason: string,
  params: Record<string, string | number>,
): Promise<AdaptiveCard | null> {
  if (NOT_THIS_CARD.has(reason) || req.scope !== 'channel') return null;
  const s = req.deps.services;
  const r = reviewText(req.actor.locale);
  const refusal = fmt((r.refusals as Record<string, string>)[reason] ?? r.refusals.error, params);
  try {
    const view = await viewReview(s, teamsDirectory(context, s), req.actor, req.data.itemId, undefined);
    return reviewCard(view.snapshot, req.actor.locale, { viewer: view.viewer, refusal });
  } catch (err) {
    if (err instanceof DomainError) return null;
    throw err;
  }
}

/** Review refusals carry a reason that picks a review-specific message; others go to the bot's generic ones. */
export function withReviewRefusals(handler: VerbHandler): VerbHandler {
  return async (context, req) => {
    try {
      return await handler(context, req);
    } catch (err) {
      if (err instanceof DomainError && typeof err.params.reason === 'string') {
        const kept = await keptReviewCard(context, req, err.params.reason, err.params);
        return kept ?? reviewRefusalCard(req.actor.locale, err.params.reason, err.params);
      }
      throw err;
    }
  };
}

const render = (view: ReviewView, actor: Actor) =>
  reviewCard(view.snapshot, actor.locale, { viewer: view.viewer });

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * `review.refresh`: the clicking member's own view (also Teams' automatic refresh of the card's
 * user-specific view). Someone who is not a member gets the shared card with a polite refusal.
 */
export const reviewRefresh: VerbHandler = withReviewRefusals(
  async (context, { deps, actor, data }) => {
    const s = deps.services;
    const view = await viewReview(
      s,
      teamsDirectory(context, s),
      actor,
      data.itemId,
      whereOf(context.activity),
      {
        objectionForm: data.form === 'objection',
      },
    );
    const automatic =
      (context.activity.value as { trigger?: unknown } | undefined)?.trigger === 'automatic';
    if (!view.viewer && !automatic) {
      return reviewCard(view.snapshot, actor.locale, {
        refusal: reviewText(actor.locale).refusals.not_member,
      });
    }
    return render(view, actor);
  },
);

/** `review.application`: the full application (any submitted application), with discussion and history. */
export const reviewApplication: VerbHandler = withReviewRefusals(
  async (_context, { deps, actor, data }) => {
    const s = deps.services;
    const appId = str(data.appId);
    const app = appId && appId.length <= 100 ? await s.applications.get(appId) : null;
    if (!app || app.status === 'draft' || !app.regNo)
      return reviewRefusalCard(actor.locale, 'app_not_found');
    const item = await s.review.item(app._id);
    const [comments, checks, portfolios] = await Promise.all([
      item ? s.review.commentsFor(item._id) : Promise.resolve([]),
      s.review.checksFor(app._id),
      s.portfolios.all(),
    ]);
    // "Tillbaka" leads to the item this card was opened from (a duplicate's card links to its own item).
    const fromItem = str(data.itemId);
    const backTo =
      fromItem && fromItem.length <= 100 && (await s.review.item(fromItem)) ? fromItem : item?._id;
    return reviewApplicationCard({
      app,
      locale: actor.locale,
      portfolios: portfolios.map((p) => ({
        id: p._id,
        label: `${p.number}. ${p.name[actor.locale]}`,
      })),
      itemId: backTo,
      comments,
      checks,
    });
  },
);

/** `review.noConflict`: "Inget jäv". */
export const reviewNoConflict: VerbHandler = withReviewRefusals(
  async (context, { deps, actor, data, activityId }) => {
    const s = deps.services;
    const view = await declareNoConflict(
      s,
      teamsDirectory(context, s),
      actor,
      data.itemId,
      whereOf(context.activity),
      data.nojav_motivation,
      activityId,
    );
    return render(view, actor);
  },
);

/** `review.recuse`: "Jäv" – the member takes no part. */
export const reviewRecuse: VerbHandler = withReviewRefusals(
  async (context, { deps, actor, data, activityId }) => {
    const s = deps.services;
    const view = await declareConflict(
      s,
      teamsDirectory(context, s),
      actor,
      data.itemId,
      whereOf(context.activity),
      data.jav_reason,
      activityId,
    );
    return render(view, actor);
  },
);

/** `review.vote`: approve / reject / abstain with scores 1–5 and a comment. */
export const reviewVote: VerbHandler = withReviewRefusals(
  async (context, { deps, actor, data, activityId }) => {
    const s = deps.services;
    const scores: Partial<Record<Criterion, unknown>> = {};
    for (const c of CRITERIA) scores[c] = data[`s_${c}`];
    const view = await castVote(
      s,
      teamsDirectory(context, s),
      actor,
      data.itemId,
      whereOf(context.activity),
      { vote: data.vote, scores, comment: data.comment },
      activityId,
    );
    return render(view, actor);
  },
);

/** `review.object`: report that another member may be conflicted. */
export const reviewObject: VerbHandler = withReviewRefusals(
  async (context, { deps, actor, data, activityId }) => {
    const s = deps.services;
    const view = await raiseObjection(
      s,
      teamsDirectory(context, s),
      actor,
      data.itemId,
      whereOf(context.activity),
      data.obj_member,
      data.obj_reason,
      activityId,
    );
    return render(view, actor);
  },
);

/** `review.rule`: the chair rules on a reported conflict. */
export const reviewRule: VerbHandler = withReviewRefusals(
  async (context, { deps, actor, data, activityId }) => {
    const s = deps.services;
    const view = await ruleObjection(
      s,
      teamsDirectory(context, s),
      actor,
      data.itemId,
      whereOf(context.activity),
      data.objectionId,
      data.ruling,
      data.ruling_note,
      activityId,
    );
    return render(view, actor);
  },
);

/** `review.statement`: the IT function's statement, from the review card or the personal request. */
export const reviewStatement: VerbHandler = withReviewRefusals(
  async (context, { deps, actor, data, activityId, scope }) => {
    const s = deps.services;
    const where = whereOf(context.activity);
    const view = await giveStatement(
      s,
      teamsDirectory(context, s),
      actor,
      data.itemId,
      where,
      data.st_recommendation,
      data.st_text,
      activityId,
    );
    if (scope === 'channel') return render(view, actor);
    const item = await loadItem(s, data.itemId);
    const model = (await statementRequestModel(s, item)) as unknown as StatementRequestModel;
    const r = reviewText(actor.locale);
    const v = view.viewer;
    return statementRequestCard(model, actor.locale, {
      notice: v?.notice ? r.review.notices[v.notice] : undefined,
      error: v?.error ? fmt(r.review.errors[v.error], { max: 3000 }) : undefined,
      draft: v?.draft,
      current: item.statement,
      open: item.status === 'open',
    });
  },
);

/** `review.close`: the chair closes the item with the group's recommendation. */
export const reviewClose: VerbHandler = withReviewRefusals(
  async (context, { deps, actor, data, activityId }) => {
    const s = deps.services;
    const view = await closeReview(
      s,
      teamsDirectory(context, s),
      actor,
      data.itemId,
      whereOf(context.activity),
      data.close_recommendation,
      data.close_motivation,
      activityId,
    );
    return render(view, actor);
  },
);

/** Strips the bot's own @mention markup from a channel message before it is kept as discussion. */
function withoutMentions(text: string): string {
  return text.replace(/<at>[^<]*<\/at>/g, ' ').trim();
}

/** Replies in an item's review thread are kept with the application as discussion. */
export const reviewThreadReply: MessageFallback = async (context: TurnContext, req) => {
  if (req.scope !== 'channel') return false;
  const a = context.activity;
  const where = whereOf(a);
  if (!where?.channelId || !where.threadRootId || where.threadRootId === a.id) return false;
  const s = req.deps.services;
  const text = withoutMentions(typeof a.text === 'string' ? a.text : '');
  return addThreadReply(
    s,
    req.actor,
    where.channelId,
    where.threadRootId,
    text,
    a.id,
  );
};
