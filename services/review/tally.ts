import {
  CRITERIA,
  Criterion,
  CriterionSpread,
  Recommendation,
  RecusedMember,
  Tally,
  VoteDoc,
} from './review-types';

/** Swedish alphabetical order (å, ä, ö last); one collator, since creating one per comparison is slow. */
export const bySwedishName = new Intl.Collator('sv').compare;

/** True when a member takes no part in the item (declared or ruled jäv). */
export function isConflicted(v: Pick<VoteDoc, 'conflict'> | null | undefined): boolean {
  return v?.conflict === 'declared' || v?.conflict === 'ruled';
}

/** True when the vote counts: cast and not conflicted. */
export function countsAsVote(v: VoteDoc): boolean {
  return !!v.vote && !isConflicted(v);
}

/**
 * The shared tally, always computed from the stored votes (never kept as a counter, so concurrent
 * votes cannot be lost): conflicted members are not counted for quorum.
 */
export function computeTally(
  eligible: { has(id: string): boolean; readonly size: number },
  votes: readonly Readonly<VoteDoc>[],
  quorum: number,
): Tally {
  // One vote document per member and item, so each member is counted once.
  let conflicted = 0;
  let conflictedEligible = 0;
  let voted = 0;
  let votedOutside = 0;
  for (const v of votes) {
    if (isConflicted(v)) {
      conflicted++;
      if (eligible.has(v.memberId)) conflictedEligible++;
    } else if (v.vote) {
      voted++;
      // Somebody who voted while a member still counts after leaving the channel.
      if (!eligible.has(v.memberId)) votedOutside++;
    }
  }
  const counted = eligible.size + votedOutside - conflictedEligible;
  // When jäv leaves fewer members able to vote than the quorum, all who can must vote (the item
  // can still be closed); never fewer than one vote.
  const needed = Math.max(1, Math.min(quorum, counted));
  return {
    eligible: counted,
    conflicted,
    voted,
    remaining: Math.max(0, counted - voted),
    quorum: needed,
    quorumReached: voted >= needed,
  };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Per-criterion means, spreads and divergence over the counted votes' scores. */
export function scoreStatistics(votes: readonly Readonly<VoteDoc>[]): {
  meanScore: number;
  meanByCriterion: Partial<Record<Criterion, number>>;
  spreadByCriterion: Partial<Record<Criterion, CriterionSpread>>;
  divergentCriteria: Criterion[];
  scoredBy: number;
} {
  const scored = votes.filter((v) => countsAsVote(v) && v.vote !== 'abstain' && v.scores);
  const meanByCriterion: Partial<Record<Criterion, number>> = {};
  const spreadByCriterion: Partial<Record<Criterion, CriterionSpread>> = {};
  const divergentCriteria: Criterion[] = [];
  let total = 0;
  let totalCount = 0;
  for (const c of CRITERIA) {
    // Two passes over the scores (a vote is read for every member's view: no arrays made).
    let n = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of scored) {
      const x = v.scores?.[c];
      if (typeof x !== 'number') continue;
      n++;
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (n === 0) continue;
    const mean = sum / n;
    let squares = 0;
    for (const v of scored) {
      const x = v.scores?.[c];
      if (typeof x === 'number') squares += (x - mean) ** 2;
    }
    const sd = Math.sqrt(squares / n);
    meanByCriterion[c] = round2(mean);
    spreadByCriterion[c] = { min, max, sd: round2(sd) };
    if (isDivergent(min, max, sd)) divergentCriteria.push(c);
    total += sum;
    totalCount += n;
  }
  const meanScore = totalCount > 0 ? round2(total / totalCount) : 0;
  return {
    meanScore,
    meanByCriterion,
    spreadByCriterion,
    divergentCriteria,
    scoredBy: scored.length,
  };
}

/** Scores diverge widely when members are three or more steps apart, or the spread is large. */
export function isDivergent(min: number, max: number, sd: number): boolean {
  return max - min >= 3 || sd >= 1.2;
}

/** What the votes alone recommend: more approvals than rejections, or a tie. */
export function majorityOf(votes: { approve: number; reject: number }): Recommendation | 'tie' {
  if (votes.approve > votes.reject) return 'recommended';
  if (votes.reject > votes.approve) return 'not_recommended';
  return 'tie';
}

/** Vote counts by kind over the counted votes. */
export function voteCounts(votes: readonly Readonly<VoteDoc>[]): { approve: number; reject: number; abstain: number } {
  const out = { approve: 0, reject: 0, abstain: 0 };
  for (const v of votes) if (countsAsVote(v)) out[v.vote!]++;
  return out;
}

/** Who took no part because of jäv, for the record. */
export function recusedOf(votes: readonly Readonly<VoteDoc>[]): RecusedMember[] {
  return votes
    .filter(isConflicted)
    .map((v) => ({
      id: v.memberId,
      name: v.memberName,
      how: v.conflict === 'ruled' ? ('ruled' as const) : ('declared' as const),
    }))
    .sort((a, b) => bySwedishName(a.name, b.name));
}
