import { ApplicationDoc } from '../applications/application';
import { Services } from '../services';
import { EligibleMember, MemberDirectory, Membership, eligibleMembers } from './eligibility';
import { hasHardFlag } from './jav';
import { unknownPersonName } from '../users/user-repository';
import { reviewRules } from './review-rules';
import {
  ConflictState,
  Criterion,
  DuplicateHit,
  ItemFacts,
  ItemStatus,
  JavFlag,
  Recommendation,
  ReviewItemDoc,
  ReviewResult,
  Statement,
  Tally,
  VoteChoice,
  VoteDoc,
} from './review-types';
import {
  bySwedishName,
  computeTally,
  isConflicted,
  majorityOf,
  scoreStatistics,
  voteCounts,
} from './tally';
import { stockholmDay } from '../shared/dates';

/** Teams refreshes a card automatically for at most 60 listed users. */
export const MAX_REFRESH_USERS = 60;

/** A duplicate as shown: with a Teams deep link to its own review thread when there is one. */
export type DuplicateView = DuplicateHit & { link?: string };

/**
 * Everything the shared review card shows, language-neutral; it is also the outbox model of the
 * card (rendered at send time in the channel's language), so it holds no secrets: no one's scores
 * before the item is closed.
 */
export interface ReviewSnapshot {
  rev: number;
  itemId: string;
  appId: string;
  regNo: string;
  facts: ItemFacts;
  status: ItemStatus;
  /** The applicant withdrew the application (the item is no longer reviewed). */
  withdrawn: boolean;
  openedAt: string;
  deadline: string;
  deadlinePassed: boolean;
  statement?: Statement;
  statementRequired: boolean;
  /** The item's possible double countings (the card lists the strongest). */
  duplicates: DuplicateView[];
  /** How many weaker ones the item only counted. */
  moreDuplicates: number;
  tally: Tally;
  discussionCount: number;
  result?: Omit<ReviewResult, 'counted'>;
  /** Bot Framework ids of members whose view Teams refreshes automatically (≤ 60). */
  refreshUserIds: string[];
}

/** Confirmations shown to the person who acted. */
export type ReviewNotice =
  | 'vote_saved'
  | 'vote_unchanged'
  | 'no_conflict_saved'
  | 'conflict_saved'
  | 'objection_saved'
  | 'ruling_saved'
  | 'statement_saved'
  | 'closed'
  | 'already_closed';

/** What the person must fix on their form (nothing was saved). */
export type ReviewFormError =
  | 'missing_vote'
  | 'missing_scores'
  | 'comment_too_long'
  | 'motivation_required'
  | 'reason_too_long'
  | 'objection_member'
  | 'objection_reason'
  | 'statement_text'
  | 'statement_recommendation'
  | 'close_recommendation'
  | 'close_motivation';

/** What one person sees on top of the shared card: their own declaration, vote and forms. */
export interface ViewerState {
  aadObjectId: string;
  name: string;
  member: boolean;
  chair: boolean;
  it: boolean;
  conflict?: ConflictState;
  conflictReason?: string;
  flags: JavFlag[];
  hardFlag: boolean;
  vote?: VoteChoice;
  scores?: Partial<Record<Criterion, number>>;
  comment?: string;
  votedAt?: string;
  /** Interim means, only for a member who has voted (never for the conflicted, never before voting). */
  interim?: {
    meanScore: number;
    meanByCriterion: Partial<Record<Criterion, number>>;
    scoredBy: number;
  };
  /** Other members who can be reported for a possible conflict (only when the form was asked for). */
  members: { id: string; name: string }[];
  /** The form for reporting another member's possible conflict is open. */
  objectionForm: boolean;
  /** Open reports of possible conflicts, for the chair to rule on. */
  openObjections: {
    id: string;
    memberName: string;
    raisedByName: string;
    reason: string;
    at: string;
  }[];
  /** For the chair: what the votes say, and what still blocks closing. */
  majority?: Recommendation | 'tie';
  closeBlockers: ('quorum' | 'statement')[];
  notice?: ReviewNotice;
  error?: ReviewFormError;
  /** What the person typed, to fill the form again after an error. */
  draft?: Record<string, string>;
}

/** The shared card plus, for a member, chair or IT, their own part. */
export interface ReviewView {
  snapshot: ReviewSnapshot;
  viewer?: ViewerState;
}

const clipText = (text: string | undefined, max: number): string =>
  !text ? '' : text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** A Teams deep link to a channel message (the review thread of another item). */
export function messageLink(
  channelId: string,
  messageId: string,
  tenantId?: string,
  groupId?: string,
): string {
  const q = new URLSearchParams({ parentMessageId: messageId });
  if (tenantId) q.set('tenantId', tenantId);
  if (groupId) q.set('groupId', groupId);
  return `https://teams.microsoft.com/l/message/${encodeURIComponent(channelId)}/${encodeURIComponent(messageId)}?${q.toString()}`;
}

/** Whether the applicant withdrew the application (a count: no document is copied on the hot path). */
export async function isWithdrawn(s: Pick<Services, 'store'>, appId: string): Promise<boolean> {
  return (
    (await s.store
      .collection<ApplicationDoc>('applications')
      .count({ _id: appId, status: 'withdrawn' })) > 0
  );
}

/** Deep links already built, per repository: a card's activity id never changes once known. */
const linkCache = new WeakMap<object, Map<string, string>>();

/** The item's possible duplicates with deep links to their own review threads, when there are any. */
async function duplicateViews(
  s: Pick<Services, 'review' | 'channels'>,
  item: ReviewItemDoc,
): Promise<DuplicateView[]> {
  let links = linkCache.get(s.review);
  if (!links) {
    links = new Map();
    linkCache.set(s.review, links);
  }
  const out: DuplicateView[] = [];
  for (const hit of item.duplicates) {
    const d: DuplicateView = { ...hit };
    const cached = links.get(d.appId);
    if (cached) {
      out.push({ ...d, link: cached });
      continue;
    }
    if (d.channelId && !d.cardActivityId) {
      // The other card may have been posted after this item was opened.
      const other = await s.review.item(d.appId);
      if (other?.cardActivityId) d.cardActivityId = other.cardActivityId;
    }
    if (d.channelId && d.cardActivityId) {
      const ch = await s.channels.get(d.channelId);
      d.link = messageLink(d.channelId, d.cardActivityId, ch?.tenantId, ch?.aadGroupId);
      links.set(d.appId, d.link);
    }
    out.push(d);
  }
  return out;
}

/** Builds the shared card's content from the store: the tally is computed from the stored votes. */
export async function buildSnapshot(
  s: Pick<
    Services,
    'store' | 'users' | 'review' | 'applications' | 'portfolios' | 'settings' | 'channels' | 'clock'
  >,
  dir: MemberDirectory,
  item: ReviewItemDoc,
  known: {
    votes?: readonly Readonly<VoteDoc>[];
    eligible?: Map<string, EligibleMember>;
    withdrawn?: boolean;
  } = {},
): Promise<{
  snapshot: ReviewSnapshot;
  votes: readonly Readonly<VoteDoc>[];
  eligible: Map<string, EligibleMember>;
}> {
  const [votes, eligible, rules, withdrawn] = await Promise.all([
    known.votes ?? s.review.votesFor(item._id),
    known.eligible ?? eligibleMembers(s, dir, item),
    reviewRules(s, item.portfolioId),
    known.withdrawn ?? isWithdrawn(s, item.appId),
  ]);
  const tally = computeTally(eligible, votes, rules.quorum);
  const duplicates = await duplicateViews(s, item);
  const refreshUserIds = [...eligible.values()]
    .map((m) => m.teamsId)
    .filter((x): x is string => !!x);
  const now = s.clock();
  const result = item.result ? (({ counted: _c, ...rest }) => rest)(item.result) : undefined;
  const snapshot: ReviewSnapshot = {
    rev: item.rev,
    itemId: item._id,
    appId: item.appId,
    regNo: item.regNo,
    facts: item.facts,
    status: item.status,
    withdrawn,
    openedAt: item.openedAt,
    deadline: item.deadline,
    deadlinePassed: item.status === 'open' && stockholmDay(now.toISOString()) > item.deadline,
    statement: item.statement
      ? { ...item.statement, text: clipText(item.statement.text, 1500) }
      : undefined,
    statementRequired: rules.statementRequired,
    duplicates,
    moreDuplicates: item.moreDuplicates ?? 0,
    tally,
    discussionCount: item.discussionCount,
    result,
    refreshUserIds: refreshUserIds.length <= MAX_REFRESH_USERS ? refreshUserIds : [],
  };
  return { snapshot, votes, eligible };
}

/** The viewer's own state on an item. */
export async function buildViewer(
  s: Pick<Services, 'review'>,
  item: ReviewItemDoc,
  snapshot: ReviewSnapshot,
  membership: Membership,
  actor: { aadObjectId: string; name: string },
  votes: readonly Readonly<VoteDoc>[],
  flags: JavFlag[],
  withObjectionForm = false,
): Promise<ViewerState> {
  const me = votes.find((v) => v.memberId === actor.aadObjectId) ?? null;
  const conflicted = isConflicted(me);
  let interim: ViewerState['interim'];
  if (item.status === 'open' && membership.member && me?.vote && !conflicted) {
    const stats = scoreStatistics(votes);
    interim = {
      meanScore: stats.meanScore,
      meanByCriterion: stats.meanByCriterion,
      scoredBy: stats.scoredBy,
    };
  }
  const conflictedIds = new Set(votes.filter(isConflicted).map((v) => v.memberId));
  const members = !withObjectionForm
    ? []
    : [...membership.eligible.values()]
        .filter((m) => m.aadObjectId !== actor.aadObjectId && !conflictedIds.has(m.aadObjectId))
        .map((m) => ({ id: m.aadObjectId, name: m.name || unknownPersonName() }))
        .sort((a, b) => bySwedishName(a.name, b.name))
        .slice(0, 60);
  const openObjections =
    membership.chair && item.status === 'open'
      ? (await s.review.objectionsFor(item._id))
          .filter((o) => o.status === 'open')
          .slice(0, 10)
          .map((o) => ({
            id: o._id,
            memberName: o.memberName,
            raisedByName: o.raisedByName,
            reason: o.reason,
            at: o.at,
          }))
      : [];
  const closeBlockers: ViewerState['closeBlockers'] = [];
  if (!snapshot.tally.quorumReached) closeBlockers.push('quorum');
  if (snapshot.statementRequired && !item.statement) closeBlockers.push('statement');
  return {
    aadObjectId: actor.aadObjectId,
    name: actor.name,
    member: membership.member,
    chair: membership.chair,
    it: membership.it,
    conflict: me?.conflict,
    conflictReason: me?.conflictReason,
    flags: me?.flags ?? flags,
    hardFlag: hasHardFlag(me?.flags ?? flags),
    vote: conflicted ? undefined : me?.vote,
    scores: conflicted ? undefined : me?.scores,
    comment: conflicted ? undefined : me?.comment,
    votedAt: conflicted ? undefined : me?.votedAt,
    interim,
    members,
    objectionForm: withObjectionForm,
    openObjections,
    majority: membership.chair ? majorityOf(voteCounts(votes)) : undefined,
    closeBlockers,
  };
}
