import { StepId } from '../applications/wizard-steps';

/** The six assessment criteria every member scores 1–5 (a uniform, fair method: seed 000 SID 8). */
export const CRITERIA = [
  'citizenBenefit',
  'organisationBenefit',
  'goalFit',
  'costEffectiveness',
  'feasibility',
  'reuse',
] as const;
/** One of the six assessment criteria. */
export type Criterion = (typeof CRITERIA)[number];

/** A member's position on an item. */
export const VOTE_CHOICES = ['approve', 'reject', 'abstain'] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];

/** What the IT function may recommend in its statement. */
export const STATEMENT_RECOMMENDATIONS = [
  'recommend',
  'recommend_with_conditions',
  'advise_against',
] as const;
export type StatementRecommendation = (typeof STATEMENT_RECOMMENDATIONS)[number];

/** The group's recommendation when the chair closes an item (the application status follows it). */
export const RECOMMENDATIONS = ['recommended', 'not_recommended'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

/** none = declared "inget jäv"; declared = the member said jäv; ruled = the chair found jäv. */
export type ConflictState = 'none' | 'declared' | 'ruled';

/** Why a member is flagged for a possible conflict of interest (kommunallagen 6 kap. 28 §). */
export interface JavFlag {
  kind: 'applicant' | 'contact' | 'organisation';
  /** The organisation name for 'organisation'. */
  detail?: string;
}

/** The facts shown on the review card, copied from the application when the review opens. */
export interface ItemFacts {
  title: string;
  organisation: string;
  applicantName: string;
  portfolio: { number: number; name: { sv: string; en: string } };
  part: string;
  devCost: number;
  yearlyRunningCost: number;
  yearlyEffectSek?: number;
  yearlyEffectHours?: number;
  citizenBenefit: string;
  internalBenefit: string;
  kfGoals: string[];
  reuse: string;
  /** Earlier rounds when the office asked for completion: why the application came back. */
  completions?: { round: number; byName: string; at: string; steps: StepId[]; note?: string }[];
}

/** The IT function's statement on an item (003: "utlåtande och rekommendation"). */
export interface Statement {
  byId: string;
  byName: string;
  at: string;
  recommendation: StatementRecommendation;
  text: string;
}

/** Why two applications may count the same benefit. */
export type DuplicateReason =
  'same_organisation' | 'same_process' | 'similar_text' | 'overlapping_savings';

/** What two benefit claims share: the strongest shared words and each side's closest claim. */
export interface DuplicateOverlap {
  words: string[];
  /** The other application's benefit sentence that shares the most. */
  theirClaim?: string;
  /** This application's benefit sentence that shares the most. */
  ourClaim?: string;
}

/** Another application or funded project whose benefit claims overlap (possible double counting). */
export interface DuplicateHit {
  appId: string;
  regNo: string;
  title: string;
  organisation: string;
  status: string;
  reasons: DuplicateReason[];
  /** Text similarity 0–1 of the benefit descriptions. */
  similarity: number;
  /** What the two benefit claims share, for the card to say why they are flagged. */
  overlap?: DuplicateOverlap;
  /** Where its own review card is, for a deep link. */
  channelId?: string;
  cardActivityId?: string;
}

/** How far apart the members' scores on one criterion are. */
export interface CriterionSpread {
  min: number;
  max: number;
  sd: number;
}

/** A member who took no part because of jäv, and whether they declared it or the chair ruled. */
export interface RecusedMember {
  id: string;
  name: string;
  how: 'declared' | 'ruled';
}

/** The record of a closed item: what the chair closed it with and how the group voted. */
export interface ReviewResult {
  recommendation: Recommendation;
  /** What the votes alone say; the chair's recommendation may differ only with a motivation. */
  majority: Recommendation | 'tie';
  motivation?: string;
  votes: { approve: number; reject: number; abstain: number };
  meanScore: number;
  meanByCriterion: Partial<Record<Criterion, number>>;
  spreadByCriterion: Partial<Record<Criterion, CriterionSpread>>;
  /** Criteria where the members' scores diverge widely. */
  divergentCriteria: Criterion[];
  voterNames: string[];
  recused: RecusedMember[];
  /** Eligible members who did not vote. */
  absentNames: string[];
  /** The vote revision counted per member: a vote written after the close is not in here. */
  counted: Record<string, number>;
  eligible: number;
  closedAt: string;
  closedBy: string;
  closedByName: string;
}

/** open: members assess; closed: the chair closed it; cancelled: the application was withdrawn. */
export type ItemStatus = 'open' | 'closed' | 'cancelled';

/** One application under review by its portfolio's group; `_id` is the application id. */
export interface ReviewItemDoc {
  _id: string;
  appId: string;
  regNo: string;
  portfolioId: string;
  facts: ItemFacts;
  status: ItemStatus;
  openedAt: string;
  openedBy: string;
  /** Last day to vote (Swedish working days from opening). */
  deadline: string;
  channelId?: string;
  teamId?: string;
  postedAt?: string;
  /** Activity id of the card in the channel (the thread root); learned from the outbox. */
  cardActivityId?: string;
  statement?: Statement;
  /** The strongest possible double countings (at most `MAX_DUPLICATES`), best first. */
  duplicates: DuplicateHit[];
  /** How many weaker possible double countings there are besides (counted, not listed). */
  moreDuplicates?: number;
  /** Counts changes of the list (its optimistic lock: votes change `rev` all the time). */
  duplicatesRev?: number;
  /** Bumped after every change that alters the tally or the card; orders card updates. */
  rev: number;
  /** Sequence of in-place card updates queued in the outbox. */
  updateSeq: number;
  discussionCount: number;
  closedAt?: string;
  closedBy?: string;
  closedByName?: string;
  result?: ReviewResult;
}

/** One member's declaration and vote on one item: one document per member and item (unique key). */
export interface VoteDoc {
  _id: string;
  itemId: string;
  memberId: string;
  memberName: string;
  conflict?: ConflictState;
  /** The member's own reason for jäv, or the chair's ruling. */
  conflictReason?: string;
  /** Required when a flagged member nevertheless declares "inget jäv". */
  noConflictMotivation?: string;
  flags?: JavFlag[];
  declaredAt?: string;
  vote?: VoteChoice;
  scores?: Partial<Record<Criterion, number>>;
  comment?: string;
  votedAt?: string;
  updatedAt: string;
  rev: number;
}

/** A member's report that another member may be conflicted; the chair rules on it. */
export interface ObjectionDoc {
  _id: string;
  itemId: string;
  memberId: string;
  memberName: string;
  raisedBy: string;
  raisedByName: string;
  reason: string;
  at: string;
  status: 'open' | 'upheld' | 'dismissed';
  ruledBy?: string;
  ruledByName?: string;
  ruledAt?: string;
  rulingNote?: string;
}

/** A reply in the item's channel thread, kept with the application as discussion. */
export interface CommentDoc {
  _id: string;
  itemId: string;
  authorId: string;
  authorName: string;
  text: string;
  at: string;
}

/** One round of the project office's completeness check (one per submission of an application). */
export interface CompletenessCheckDoc {
  _id: string;
  appId: string;
  round: number;
  submittedAt: string;
  status: 'pending' | 'complete' | 'completion_requested';
  decidedBy?: string;
  decidedByName?: string;
  decidedAt?: string;
  missingSteps?: StepId[];
  note?: string;
  /** The inputs when completion was requested, to show what changed on resubmission. */
  inputsAtRequest?: Record<string, string>;
}

/** Where an action came from: the channel and thread of the card that was clicked. */
export interface Where {
  channelId?: string;
  threadRootId?: string;
}

/** Counts shown to everybody: how many voted, how many remain, the quorum. */
export interface Tally {
  eligible: number;
  conflicted: number;
  voted: number;
  remaining: number;
  quorum: number;
  quorumReached: boolean;
}
