import { ensureOwnerRequest } from '../allocation/owner-requests';
import { ApplicationDoc, ReviewOutcome } from '../applications/application';
import { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { checkText } from '../shared/text';
import { unknownPersonName } from '../users/user-repository';
import { queueCardUpdate, withCardActivity } from './card-updates';
import { MemberDirectory, Membership, membershipOf } from './eligibility';
import { hasHardFlag, javFlags, MemberFacts } from './jav';
import { reviewRules } from './review-rules';
import {
  buildSnapshot,
  buildViewer,
  isWithdrawn,
  ReviewFormError,
  ReviewNotice,
  ReviewSnapshot,
  ReviewView,
} from './review-view';
import {
  CRITERIA,
  Criterion,
  JavFlag,
  Recommendation,
  RECOMMENDATIONS,
  ReviewItemDoc,
  ReviewResult,
  STATEMENT_RECOMMENDATIONS,
  StatementRecommendation,
  VOTE_CHOICES,
  VoteChoice,
  VoteDoc,
  Where,
} from './review-types';
import {
  bySwedishName,
  computeTally,
  isConflicted,
  majorityOf,
  recusedOf,
  scoreStatistics,
  voteCounts,
} from './tally';

/** Limits on what members type on the card (refused, never cut). */
export const MAX_COMMENT_CHARS = 2000;
export const MAX_REASON_CHARS = 1000;
export const MAX_STATEMENT_CHARS = 3000;

type Deps = Services;

/** A refusal on a review item; `reason` picks the message in the review strings. */
function refuse(
  code: DomainError['code'],
  reason: string,
  params: Record<string, string | number> = {},
): never {
  throw new DomainError(code, reason, { ...params, reason });
}

/** Loads an item by the id a card sent; anything malformed is "not found", never a crash. */
export async function loadItem(s: Pick<Deps, 'review'>, itemId: unknown): Promise<ReviewItemDoc> {
  if (typeof itemId !== 'string' || itemId.length === 0 || itemId.length > 100)
    refuse('not_found', 'item_not_found');
  const item = await s.review.item(itemId);
  if (!item) refuse('not_found', 'item_not_found');
  return item;
}

/**
 * The click must come from this item's own card: its channel and, once known, its thread.
 * A card payload naming another item's id is refused.
 */
function checkWhere(item: ReviewItemDoc, where: Where | undefined, channelOnly: boolean): void {
  if (!where?.channelId) {
    if (channelOnly) refuse('invalid_state', 'channel_only');
    return;
  }
  if (where.channelId !== item.channelId) refuse('invalid_input', 'wrong_item');
  if (where.threadRootId && item.cardActivityId && where.threadRootId !== item.cardActivityId) {
    refuse('invalid_input', 'wrong_item');
  }
}

function requireOpen(item: ReviewItemDoc): void {
  if (item.status === 'closed') refuse('invalid_state', 'closed');
  if (item.status === 'cancelled') refuse('invalid_state', 'withdrawn');
}

async function memberFacts(s: Deps, membership: Membership, actor: Actor): Promise<MemberFacts> {
  const roster = membership.eligible.get(actor.aadObjectId);
  const user = membership.user;
  return {
    aadObjectId: actor.aadObjectId,
    name: user?.name ?? roster?.name ?? actor.name,
    email: user?.email ?? roster?.email,
    organisation: user?.organisation,
    department: user?.department,
  };
}

interface Loaded {
  item: ReviewItemDoc;
  membership: Membership;
  withdrawn: boolean;
  /** The application, read only when needed (jäv flags, closing): it is the largest document. */
  app: () => Promise<ApplicationDoc | null>;
}

function lazyApp(s: Deps, appId: string): () => Promise<ApplicationDoc | null> {
  let pending: Promise<ApplicationDoc | null> | null = null;
  return () => (pending ??= s.applications.get(appId));
}

async function load(
  s: Deps,
  dir: MemberDirectory,
  actor: Actor,
  itemId: unknown,
  where: Where | undefined,
  channelOnly: boolean,
): Promise<Loaded> {
  const item = await withCardActivity(s, await loadItem(s, itemId));
  checkWhere(item, where, channelOnly);
  const [membership, withdrawn] = await Promise.all([
    membershipOf(s, dir, item, actor.aadObjectId),
    isWithdrawn(s, item.appId),
  ]);
  return { item, membership, withdrawn, app: lazyApp(s, item.appId) };
}

/** The jäv flags of the actor on this item's application. */
async function flagsOf(s: Deps, loaded: Loaded, actor: Actor): Promise<JavFlag[]> {
  const app = await loaded.app();
  return app ? javFlags(app, await memberFacts(s, loaded.membership, actor)) : [];
}

interface ViewExtra {
  notice?: ReviewNotice;
  error?: ReviewFormError;
  draft?: Record<string, string>;
  votes?: readonly Readonly<VoteDoc>[];
  /** The shared card just computed after a change (not computed twice). */
  snapshot?: ReviewSnapshot;
  /** Show the form for reporting another member's possible conflict. */
  objectionForm?: boolean;
}

/** Builds the actor's view after a change (or for a refresh). */
async function viewFor(
  s: Deps,
  dir: MemberDirectory,
  actor: Actor,
  loaded: Loaded,
  extra: ViewExtra = {},
): Promise<ReviewView> {
  const item = loaded.item;
  const built =
    extra.snapshot && extra.votes
      ? { snapshot: extra.snapshot, votes: extra.votes }
      : await buildSnapshot(s, dir, item, {
          votes: extra.votes,
          eligible: loaded.membership.eligible,
          withdrawn: loaded.withdrawn,
        });
  const { snapshot, votes } = built;
  const visible = loaded.membership.member || loaded.membership.chair || loaded.membership.it;
  if (!visible) return { snapshot };
  // Flags are only needed before the member has declared (afterwards the declaration keeps them).
  const mine = votes.find((v) => v.memberId === actor.aadObjectId);
  const flags =
    loaded.membership.member && !mine?.flags && item.status === 'open'
      ? await flagsOf(s, loaded, actor)
      : [];
  const withForm =
    extra.objectionForm || extra.error === 'objection_member' || extra.error === 'objection_reason';
  const viewer = await buildViewer(
    s,
    item,
    snapshot,
    loaded.membership,
    actor,
    votes,
    flags,
    withForm,
  );
  return {
    snapshot,
    viewer: { ...viewer, notice: extra.notice, error: extra.error, draft: extra.draft },
  };
}

/** Bumps the item's revision after a change; null when the item is no longer open. */
async function bump(s: Deps, itemId: string): Promise<ReviewItemDoc | null> {
  return s.review.updateItem({ _id: itemId, status: 'open' }, { $inc: { rev: 1 } });
}

/** Recomputes the shared card from the store and queues its in-place update. */
async function afterChange(
  s: Deps,
  dir: MemberDirectory,
  loaded: Loaded,
  item: ReviewItemDoc,
): Promise<{ votes: readonly Readonly<VoteDoc>[]; snapshot: ReviewSnapshot }> {
  const { snapshot, votes } = await buildSnapshot(s, dir, item, {
    eligible: loaded.membership.eligible,
    withdrawn: loaded.withdrawn,
  });
  await queueCardUpdate(s, item);
  return { votes, snapshot };
}

/**
 * A write to a member's vote document, guarded against a concurrent close: if the item closed
 * before the write was counted, the write is undone and refused.
 */
async function guardedWrite(
  s: Deps,
  item: ReviewItemDoc,
  memberId: string,
  previous: VoteDoc | null,
  write: () => Promise<VoteDoc>,
): Promise<ReviewItemDoc> {
  const written = await write();
  const bumped = await bump(s, item._id);
  if (bumped) return bumped;
  const now = await s.review.item(item._id);
  if (now?.status === 'closed' && now.result?.counted[memberId] === written.rev) return now;
  await s.review.restoreVote(item._id, memberId, written.rev, previous);
  refuse('invalid_state', now?.status === 'cancelled' ? 'withdrawn' : 'closed');
}

/** The actor's own view of an item: the shared card plus their declaration, vote and forms. */
export async function viewReview(
  s: Deps,
  dir: MemberDirectory,
  actor: Actor,
  itemId: unknown,
  where: Where | undefined,
  opts: { objectionForm?: boolean } = {},
): Promise<ReviewView> {
  const loaded = await load(s, dir, actor, itemId, where, false);
  return viewFor(s, dir, actor, loaded, { objectionForm: opts.objectionForm });
}

function requireMember(loaded: Loaded): void {
  if (!loaded.membership.member) refuse('forbidden', 'not_member');
}

function requireNotWithdrawn(loaded: Loaded): void {
  if (loaded.withdrawn) refuse('invalid_state', 'withdrawn');
}

/** "Inget jäv": the member declares no conflict; a flagged member must motivate, applicant and contact cannot. */
export async function declareNoConflict(
  s: Deps,
  dir: MemberDirectory,
  actor: Actor,
  itemId: unknown,
  where: Where | undefined,
  rawMotivation: unknown,
  activityId?: string,
): Promise<ReviewView> {
  const loaded = await load(s, dir, actor, itemId, where, true);
  requireOpen(loaded.item);
  requireMember(loaded);
  requireNotWithdrawn(loaded);
  const flags = await flagsOf(s, loaded, actor);
  if (hasHardFlag(flags)) refuse('invalid_state', 'hard_conflict');
  const previous = await s.review.vote(loaded.item._id, actor.aadObjectId);
  if (previous?.conflict === 'ruled') refuse('invalid_state', 'ruled_conflict');
  const motivation = checkText(rawMotivation, {
    required: flags.length > 0,
    max: MAX_REASON_CHARS,
  });
  if (!motivation.ok) {
    const draft = { nojav_motivation: typeof rawMotivation === 'string' ? rawMotivation : '' };
    return viewFor(s, dir, actor, loaded, {
      error: motivation.error === 'too_long' ? 'reason_too_long' : 'motivation_required',
      draft,
    });
  }
  if (previous?.conflict === 'none' && (previous.noConflictMotivation ?? '') === motivation.value) {
    return viewFor(s, dir, actor, loaded, { notice: 'no_conflict_saved' });
  }
  const now = s.clock().toISOString();
  const item = await guardedWrite(s, loaded.item, actor.aadObjectId, previous, () =>
    s.review.upsertVote(loaded.item._id, actor.aadObjectId, {
      $set: {
        memberName: actor.name,
        conflict: 'none',
        flags,
        declaredAt: now,
        updatedAt: now,
        ...(motivation.value ? { noConflictMotivation: motivation.value } : {}),
      },
      $unset: { conflictReason: true, ...(motivation.value ? {} : { noConflictMotivation: true }) },
    }),
  );
  await s.audit.append({
    at: now,
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'review.no_conflict_declared',
    entityType: 'application',
    entityId: item.appId,
    before: previous ? { conflict: previous.conflict ?? null } : null,
    after: { conflict: 'none', flags, motivation: motivation.value || undefined },
    activityId,
  });
  // "Inget jäv" changes no number on the shared card unless the member had declared jäv before:
  // then the card is left alone (an update would replace the member's own view where Teams
  // cannot refresh it).
  if (previous?.conflict === 'declared') await afterChange(s, dir, loaded, item);
  return viewFor(s, dir, actor, { ...loaded, item }, { notice: 'no_conflict_saved' });
}

/** "Jäv": the member takes no part in the item; a vote already cast is void. */
export async function declareConflict(
  s: Deps,
  dir: MemberDirectory,
  actor: Actor,
  itemId: unknown,
  where: Where | undefined,
  rawReason: unknown,
  activityId?: string,
): Promise<ReviewView> {
  const loaded = await load(s, dir, actor, itemId, where, true);
  requireOpen(loaded.item);
  requireMember(loaded);
  const reason = checkText(rawReason, { required: false, max: MAX_REASON_CHARS });
  if (!reason.ok) {
    return viewFor(s, dir, actor, loaded, {
      error: 'reason_too_long',
      draft: { jav_reason: String(rawReason ?? '') },
    });
  }
  const previous = await s.review.vote(loaded.item._id, actor.aadObjectId);
  if (isConflicted(previous)) return viewFor(s, dir, actor, loaded, { notice: 'conflict_saved' });
  const flags = await flagsOf(s, loaded, actor);
  const now = s.clock().toISOString();
  const item = await guardedWrite(s, loaded.item, actor.aadObjectId, previous, () =>
    s.review.upsertVote(loaded.item._id, actor.aadObjectId, {
      $set: {
        memberName: actor.name,
        conflict: 'declared',
        flags,
        declaredAt: now,
        updatedAt: now,
        ...(reason.value ? { conflictReason: reason.value } : {}),
      },
      $unset: {
        vote: true,
        scores: true,
        comment: true,
        votedAt: true,
        noConflictMotivation: true,
      },
    }),
  );
  await s.audit.append({
    at: now,
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'review.conflict_declared',
    entityType: 'application',
    entityId: item.appId,
    before: previous ? { conflict: previous.conflict ?? null, vote: previous.vote ?? null } : null,
    after: { conflict: 'declared', reason: reason.value || undefined, flags },
    activityId,
  });
  const { votes, snapshot } = await afterChange(s, dir, loaded, item);
  return viewFor(s, dir, actor, { ...loaded, item }, { notice: 'conflict_saved', votes, snapshot });
}

/** A vote as the card sent it, checked field by field; tampered values are refused outright. */
export interface VoteInput {
  vote?: unknown;
  scores: Partial<Record<Criterion, unknown>>;
  comment?: unknown;
}

function parseScore(raw: unknown): number | undefined | 'bad' {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^\s*\d\s*$/.test(raw)
        ? Number(raw)
        : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 5 ? n : 'bad';
}

/**
 * Approve / reject / abstain with a score 1–5 per criterion and a comment. Changeable until the
 * item closes; stored one document per member and item, so concurrent votes are never lost.
 */
export async function castVote(
  s: Deps,
  dir: MemberDirectory,
  actor: Actor,
  itemId: unknown,
  where: Where | undefined,
  input: VoteInput,
  activityId?: string,
): Promise<ReviewView> {
  // Tampered values are refused before anything is read or written.
  const choice =
    input.vote === undefined || input.vote === null || input.vote === '' ? undefined : input.vote;
  if (choice !== undefined && !VOTE_CHOICES.includes(choice as VoteChoice))
    refuse('invalid_input', 'bad_input');
  const scores: Partial<Record<Criterion, number>> = {};
  for (const c of CRITERIA) {
    const v = parseScore(input.scores[c]);
    if (v === 'bad') refuse('invalid_input', 'bad_input');
    if (v !== undefined) scores[c] = v;
  }
  const loaded = await load(s, dir, actor, itemId, where, true);
  requireOpen(loaded.item);
  requireMember(loaded);
  requireNotWithdrawn(loaded);
  const previous = await s.review.vote(loaded.item._id, actor.aadObjectId);
  if (isConflicted(previous)) refuse('invalid_state', 'conflicted');
  if (previous?.conflict !== 'none') refuse('invalid_state', 'declare_first');

  const draft: Record<string, string> = {
    vote: typeof choice === 'string' ? choice : '',
    comment: typeof input.comment === 'string' ? input.comment : '',
  };
  for (const c of CRITERIA) draft[`s_${c}`] = scores[c] !== undefined ? String(scores[c]) : '';
  if (!choice) return viewFor(s, dir, actor, loaded, { error: 'missing_vote', draft });
  const vote = choice as VoteChoice;
  if (vote !== 'abstain' && CRITERIA.some((c) => scores[c] === undefined)) {
    return viewFor(s, dir, actor, loaded, { error: 'missing_scores', draft });
  }
  const comment = checkText(input.comment, { required: false, max: MAX_COMMENT_CHARS });
  if (!comment.ok) return viewFor(s, dir, actor, loaded, { error: 'comment_too_long', draft });

  const same =
    previous.vote === vote &&
    (previous.comment ?? '') === comment.value &&
    CRITERIA.every((c) => previous.scores?.[c] === scores[c]);
  if (same) return viewFor(s, dir, actor, loaded, { notice: 'vote_unchanged' });

  const now = s.clock().toISOString();
  const item = await guardedWrite(s, loaded.item, actor.aadObjectId, previous, () =>
    s.review.upsertVote(loaded.item._id, actor.aadObjectId, {
      $set: {
        memberName: actor.name,
        vote,
        scores,
        comment: comment.value,
        votedAt: now,
        updatedAt: now,
      },
    }),
  );
  await s.audit.append({
    at: now,
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: previous.vote ? 'review.vote_changed' : 'review.voted',
    entityType: 'application',
    entityId: item.appId,
    before: previous.vote
      ? { vote: previous.vote, scores: previous.scores, comment: previous.comment }
      : null,
    after: { vote, scores, comment: comment.value },
    activityId,
  });
  const { votes, snapshot } = await afterChange(s, dir, loaded, item);
  return viewFor(s, dir, actor, { ...loaded, item }, { notice: 'vote_saved', votes, snapshot });
}

/** Any member may report that another member may be conflicted; the chair rules on it. */
export async function raiseObjection(
  s: Deps,
  dir: MemberDirectory,
  actor: Actor,
  itemId: unknown,
  where: Where | undefined,
  rawMemberId: unknown,
  rawReason: unknown,
  activityId?: string,
): Promise<ReviewView> {
  const loaded = await load(s, dir, actor, itemId, where, true);
  requireOpen(loaded.item);
  if (!loaded.membership.member && !loaded.membership.chair) refuse('forbidden', 'not_member');
  const memberId = typeof rawMemberId === 'string' ? rawMemberId.trim().toLowerCase() : '';
  const draft = {
    obj_member: memberId,
    obj_reason: typeof rawReason === 'string' ? rawReason : '',
  };
  if (!memberId) return viewFor(s, dir, actor, loaded, { error: 'objection_member', draft });
  const target = loaded.membership.eligible.get(memberId);
  if (!target || memberId === actor.aadObjectId) refuse('invalid_input', 'bad_input');
  const reason = checkText(rawReason, { required: true, max: MAX_REASON_CHARS });
  if (!reason.ok)
    return viewFor(s, dir, actor, loaded, {
      error: reason.error === 'too_long' ? 'reason_too_long' : 'objection_reason',
      draft,
    });
  const now = s.clock().toISOString();
  const id = `${loaded.item._id}|${memberId}|${actor.aadObjectId}`;
  const existing = await s.review.objections.findOne({ _id: id });
  if (existing?.status === 'open')
    return viewFor(s, dir, actor, loaded, { notice: 'objection_saved' });
  const doc = {
    _id: id,
    itemId: loaded.item._id,
    memberId,
    memberName: target.name,
    raisedBy: actor.aadObjectId,
    raisedByName: actor.name,
    reason: reason.value,
    at: now,
    status: 'open' as const,
  };
  if (existing) {
    await s.review.objections.findOneAndUpdate(
      { _id: id },
      { $set: doc, $unset: { ruledBy: true, ruledByName: true, ruledAt: true, rulingNote: true } },
    );
  } else {
    try {
      await s.review.objections.insertOne(doc);
    } catch {
      return viewFor(s, dir, actor, loaded, { notice: 'objection_saved' });
    }
  }
  await s.audit.append({
    at: now,
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'review.objection_raised',
    entityType: 'application',
    entityId: loaded.item.appId,
    after: { memberId, memberName: target.name, reason: reason.value },
    activityId,
  });
  return viewFor(s, dir, actor, loaded, { notice: 'objection_saved' });
}

/** The chair rules on a reported conflict; upheld means the member takes no part (recorded). */
export async function ruleObjection(
  s: Deps,
  dir: MemberDirectory,
  actor: Actor,
  itemId: unknown,
  where: Where | undefined,
  rawObjectionId: unknown,
  rawRuling: unknown,
  rawNote: unknown,
  activityId?: string,
): Promise<ReviewView> {
  const loaded = await load(s, dir, actor, itemId, where, true);
  requireOpen(loaded.item);
  if (!loaded.membership.chair) refuse('forbidden', 'chair_only');
  if (rawRuling !== 'upheld' && rawRuling !== 'dismissed') refuse('invalid_input', 'bad_input');
  const objectionId = typeof rawObjectionId === 'string' ? rawObjectionId : '';
  const objection = objectionId ? await s.review.objections.findOne({ _id: objectionId }) : null;
  if (!objection || objection.itemId !== loaded.item._id) refuse('invalid_input', 'bad_input');
  const note = checkText(rawNote, { required: false, max: MAX_REASON_CHARS });
  if (!note.ok) return viewFor(s, dir, actor, loaded, { error: 'reason_too_long' });
  const now = s.clock().toISOString();
  const ruled = await s.review.objections.findOneAndUpdate(
    { _id: objection._id, status: 'open' },
    {
      $set: {
        status: rawRuling,
        ruledBy: actor.aadObjectId,
        ruledByName: actor.name,
        ruledAt: now,
        rulingNote: note.value,
      },
    },
  );
  if (!ruled) return viewFor(s, dir, actor, loaded, { notice: 'ruling_saved' });
  let item = loaded.item;
  if (rawRuling === 'upheld') {
    const previous = await s.review.vote(item._id, objection.memberId);
    item = await guardedWrite(s, item, objection.memberId, previous, () =>
      s.review.upsertVote(item._id, objection.memberId, {
        $set: {
          memberName: previous?.memberName ?? objection.memberName,
          conflict: 'ruled',
          conflictReason: note.value || objection.reason,
          declaredAt: now,
          updatedAt: now,
        },
        $unset: {
          vote: true,
          scores: true,
          comment: true,
          votedAt: true,
          noConflictMotivation: true,
        },
      }),
    );
  }
  await s.audit.append({
    at: now,
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'review.objection_ruled',
    entityType: 'application',
    entityId: item.appId,
    before: { objection: objection._id, memberId: objection.memberId, status: 'open' },
    after: { status: rawRuling, note: note.value || undefined },
    activityId,
  });
  const after = rawRuling === 'upheld' ? await afterChange(s, dir, loaded, item) : undefined;
  return viewFor(
    s,
    dir,
    actor,
    { ...loaded, item },
    { notice: 'ruling_saved', votes: after?.votes, snapshot: after?.snapshot },
  );
}

/** The IT function's statement (recommendation and text) on reuse of common platforms and guidelines. */
export async function giveStatement(
  s: Deps,
  dir: MemberDirectory,
  actor: Actor,
  itemId: unknown,
  where: Where | undefined,
  rawRecommendation: unknown,
  rawText: unknown,
  activityId?: string,
): Promise<ReviewView> {
  const loaded = await load(s, dir, actor, itemId, where, false);
  requireOpen(loaded.item);
  if (!loaded.membership.it) refuse('forbidden', 'it_only');
  const draft = {
    st_recommendation: typeof rawRecommendation === 'string' ? rawRecommendation : '',
    st_text: typeof rawText === 'string' ? rawText : '',
  };
  if (rawRecommendation === undefined || rawRecommendation === null || rawRecommendation === '') {
    return viewFor(s, dir, actor, loaded, { error: 'statement_recommendation', draft });
  }
  if (!STATEMENT_RECOMMENDATIONS.includes(rawRecommendation as StatementRecommendation))
    refuse('invalid_input', 'bad_input');
  const text = checkText(rawText, { required: true, max: MAX_STATEMENT_CHARS });
  if (!text.ok) return viewFor(s, dir, actor, loaded, { error: 'statement_text', draft });
  const before = loaded.item.statement;
  if (
    before &&
    before.byId === actor.aadObjectId &&
    before.recommendation === rawRecommendation &&
    before.text === text.value
  ) {
    return viewFor(s, dir, actor, loaded, { notice: 'statement_saved' });
  }
  const now = s.clock().toISOString();
  const statement = {
    byId: actor.aadObjectId,
    byName: actor.name,
    at: now,
    recommendation: rawRecommendation as StatementRecommendation,
    text: text.value,
  };
  const item = await s.review.updateItem(
    { _id: loaded.item._id, status: 'open' },
    { $set: { statement }, $inc: { rev: 1 } },
  );
  if (!item) refuse('invalid_state', 'closed');
  await s.audit.append({
    at: now,
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'review.statement_given',
    entityType: 'application',
    entityId: item.appId,
    before: before ?? null,
    after: statement,
    activityId,
  });
  const { votes, snapshot } = await afterChange(s, dir, loaded, item);
  return viewFor(
    s,
    dir,
    actor,
    { ...loaded, item },
    { notice: 'statement_saved', votes, snapshot },
  );
}

/** The contract with allocation (issue 4): written on the application when the chair closes. */
export function outcomeOf(result: ReviewResult): ReviewOutcome {
  return {
    closedAt: result.closedAt,
    closedBy: result.closedBy,
    recommendation: result.recommendation,
    meanScore: result.meanScore,
    meanByCriterion: result.meanByCriterion as Record<string, number>,
    votes: result.votes,
    recusedMemberIds: result.recused.map((r) => r.id),
    recusedNames: result.recused.map((r) => r.name),
  };
}

/** Writes the outcome on the application (idempotent: only from in_review). */
async function applyOutcome(
  s: Deps,
  item: ReviewItemDoc,
  actor: Actor,
  activityId?: string,
): Promise<void> {
  if (!item.result) return;
  const outcome = outcomeOf(item.result);
  const updated = await s.applications.update(
    { _id: item.appId, status: 'in_review' },
    { $set: { status: outcome.recommendation, review: outcome, updatedAt: outcome.closedAt } },
  );
  if (!updated) return;
  await s.audit.append({
    at: outcome.closedAt,
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: `application.${outcome.recommendation}`,
    entityType: 'application',
    entityId: item.appId,
    before: { status: 'in_review' },
    after: { status: outcome.recommendation, review: outcome },
    activityId,
  });
  // A recommended application's owner is asked at once to accept ownership and running cost,
  // so the gate is usually settled before the chair allocates.
  if (outcome.recommendation === 'recommended') await ensureOwnerRequest(s, updated, actor.aadObjectId);
}

/**
 * The chair closes the item with the group's recommendation. Needs quorum (the conflicted not
 * counted) and, when configured, the IT statement. The result is computed from the stored votes
 * at one revision of the item: a vote landing at the same moment either is in it or is refused.
 */
export async function closeReview(
  s: Deps,
  dir: MemberDirectory,
  actor: Actor,
  itemId: unknown,
  where: Where | undefined,
  rawRecommendation: unknown,
  rawMotivation: unknown,
  activityId?: string,
): Promise<ReviewView> {
  let loaded = await load(s, dir, actor, itemId, where, true);
  if (!loaded.membership.chair) refuse('forbidden', 'chair_only');
  if (loaded.item.status === 'closed') {
    await applyOutcome(s, loaded.item, actor, activityId);
    return viewFor(s, dir, actor, loaded, { notice: 'already_closed' });
  }
  requireOpen(loaded.item);
  if (loaded.withdrawn) {
    const cancelled = await s.review.updateItem(
      { _id: loaded.item._id, status: 'open' },
      { $set: { status: 'cancelled' }, $inc: { rev: 1 } },
    );
    if (cancelled) await afterChange(s, dir, loaded, cancelled);
    refuse('invalid_state', 'withdrawn');
  }
  const draft = {
    close_recommendation: typeof rawRecommendation === 'string' ? rawRecommendation : '',
    close_motivation: typeof rawMotivation === 'string' ? rawMotivation : '',
  };
  if (rawRecommendation === undefined || rawRecommendation === null || rawRecommendation === '') {
    return viewFor(s, dir, actor, loaded, { error: 'close_recommendation', draft });
  }
  if (!RECOMMENDATIONS.includes(rawRecommendation as Recommendation))
    refuse('invalid_input', 'bad_input');
  const recommendation = rawRecommendation as Recommendation;
  const motivation = checkText(rawMotivation, { required: false, max: MAX_COMMENT_CHARS });
  if (!motivation.ok) return viewFor(s, dir, actor, loaded, { error: 'close_motivation', draft });
  const rules = await reviewRules(s, loaded.item.portfolioId);

  for (let attempt = 0; attempt < 20; attempt++) {
    const item = loaded.item;
    const votes = await s.review.votesFor(item._id);
    const eligible = loaded.membership.eligible;
    const tally = computeTally(eligible, votes, rules.quorum);
    if (!tally.quorumReached)
      refuse('invalid_state', 'quorum_not_reached', { voted: tally.voted, quorum: tally.quorum });
    if (rules.statementRequired && !item.statement) refuse('invalid_state', 'statement_missing');
    const counts = voteCounts(votes);
    const majority = majorityOf(counts);
    if (majority !== recommendation && !motivation.value) {
      return viewFor(s, dir, actor, loaded, { error: 'close_motivation', draft, votes });
    }
    const stats = scoreStatistics(votes);
    const recused = recusedOf(votes);
    const recusedIds = new Set(recused.map((r) => r.id));
    const counted: Record<string, number> = {};
    const voterNames: string[] = [];
    for (const v of votes) {
      counted[v.memberId] = v.rev;
      if (v.vote && !isConflicted(v)) voterNames.push(v.memberName);
    }
    // Non-voters are the group's members who neither voted nor took no part; the applicant
    // (conflicted by law) is never listed as one.
    const applicantId = (await loaded.app())?.ownerId;
    const absentNames = [...eligible.values()]
      .filter(
        (m) =>
          m.aadObjectId !== applicantId &&
          !recusedIds.has(m.aadObjectId) &&
          !votes.some((v) => v.memberId === m.aadObjectId && v.vote),
      )
      .map((m) => m.name || unknownPersonName());
    const now = s.clock().toISOString();
    const result: ReviewResult = {
      recommendation,
      majority,
      motivation: motivation.value || undefined,
      votes: counts,
      meanScore: stats.meanScore,
      meanByCriterion: stats.meanByCriterion,
      spreadByCriterion: stats.spreadByCriterion,
      divergentCriteria: stats.divergentCriteria,
      voterNames: voterNames.sort(bySwedishName),
      recused,
      absentNames: absentNames.sort(bySwedishName),
      counted,
      eligible: tally.eligible,
      closedAt: now,
      closedBy: actor.aadObjectId,
      closedByName: actor.name,
    };
    const closed = await s.review.updateItem(
      { _id: item._id, status: 'open', rev: item.rev },
      {
        $set: {
          status: 'closed',
          result,
          closedAt: now,
          closedBy: actor.aadObjectId,
          closedByName: actor.name,
        },
        $inc: { rev: 1 },
      },
    );
    if (closed) {
      await s.audit.append({
        at: now,
        actorId: actor.aadObjectId,
        actorName: actor.name,
        action: 'review.closed',
        entityType: 'application',
        entityId: item.appId,
        before: { status: 'open' },
        after: { status: 'closed', result: { ...result, counted: undefined } },
        activityId,
      });
      await applyOutcome(s, closed, actor, activityId);
      loaded = { ...loaded, item: closed };
      const after = await afterChange(s, dir, loaded, closed);
      return viewFor(s, dir, actor, loaded, {
        notice: 'closed',
        votes: after.votes,
        snapshot: after.snapshot,
      });
    }
    // A vote (or another close) changed the item meanwhile: start again from the new revision.
    const fresh = await s.review.item(item._id);
    if (!fresh) refuse('not_found', 'item_not_found');
    if (fresh.status === 'closed') {
      await applyOutcome(s, fresh, actor, activityId);
      return viewFor(s, dir, actor, { ...loaded, item: fresh }, { notice: 'already_closed' });
    }
    requireOpen(fresh);
    loaded = { ...loaded, item: fresh };
  }
  refuse('conflict', 'busy');
}
