import { PARTS, type Part } from '../applications/wizard-steps';
import type { DecisionDoc } from '../decisions/decision';
import { Collection, isDuplicateKey, Store } from '../store/store';
import { partBudgets } from './part-budgets';
import type { PartBudgets, PartShares } from './types';

/** One application's place in a year's ledger: the decision in force and the money it holds. */
export interface LedgerClaim {
  decisionId: string;
  outcome: DecisionDoc['outcome'];
  amount: number;
  part: Part;
  roundId?: string;
  /**
   * The complete decision record. The ledger update is the commit point of a decision: writing
   * the record, the application's status, the notices and the project follow from it and are
   * redone idempotently if a crash cut them short.
   */
  record: DecisionDoc;
}

/**
 * The frame of one portfolio and fiscal year and the money decisions hold against it. All
 * money moves are conditional updates of this one document, so the frame can never be
 * exceeded, whatever confirms or frame changes race each other, on either store.
 */
export interface FrameLedgerDoc {
  /** `<portfolioId>:<year>`. */
  _id: string;
  portfolioId: string;
  year: number;
  amount: number;
  shares: PartShares;
  budgets: PartBudgets;
  used: PartBudgets;
  /** budgets − used per part; what a new decision may take. */
  remaining: PartBudgets;
  /** By application id. */
  claims: Record<string, LedgerClaim>;
  /** Bumped by every change, so a frame change is a compare-and-set on the whole state. */
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export const ledgerIdFor = (portfolioId: string, year: number): string => `${portfolioId}:${year}`;

const zero = (): PartBudgets => ({ innovation: 0, improvement: 0, maintenance: 0 });

/** What each part of a set of claims takes, in kronor. */
export function sumByPart(claims: readonly { part: Part; amount: number }[]): PartBudgets {
  const sum = zero();
  for (const c of claims) sum[c.part] += c.amount;
  return sum;
}

/** The frames and the money held against them; one document per portfolio and fiscal year. */
export class FrameLedgerRepository {
  readonly col: Collection<FrameLedgerDoc>;

  constructor(store: Store) {
    this.col = store.collection<FrameLedgerDoc>('frameLedgers');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['portfolioId'] });
  }

  async get(portfolioId: string, year: number): Promise<FrameLedgerDoc | null> {
    return this.col.findOne({ _id: ledgerIdFor(portfolioId, year) });
  }

  async forPortfolio(portfolioId: string): Promise<FrameLedgerDoc[]> {
    return this.col.find({ portfolioId }, { sort: { year: 1 } });
  }

  /** Creates the ledger with a frame unless it exists; returns the stored document either way. */
  async create(
    portfolioId: string,
    year: number,
    frame: { amount: number; shares: PartShares },
    now: Date,
    by: string,
  ): Promise<FrameLedgerDoc> {
    const budgets = partBudgets(frame.amount, frame.shares);
    const doc: FrameLedgerDoc = {
      _id: ledgerIdFor(portfolioId, year),
      portfolioId,
      year,
      amount: frame.amount,
      shares: { ...frame.shares },
      budgets,
      used: zero(),
      remaining: { ...budgets },
      claims: {},
      version: 1,
      updatedAt: now.toISOString(),
      updatedBy: by,
    };
    try {
      await this.col.insertOne(doc);
      return doc;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await this.col.findOne({ _id: doc._id });
      if (!existing) throw err;
      return existing;
    }
  }

  /**
   * Records new decisions atomically: all or none, and only if every part still has the money
   * and none of the applications has a decision in this ledger yet. Null when refused.
   */
  async commit(
    ledgerId: string,
    records: readonly DecisionDoc[],
    roundId: string | undefined,
    now: Date,
    by: string,
  ): Promise<FrameLedgerDoc | null> {
    const funded = records.filter((r) => r.outcome === 'approved');
    const need = sumByPart(funded);
    const filter: Record<string, unknown> = { _id: ledgerId };
    const $inc: Record<string, number> = { version: 1 };
    for (const part of PARTS) {
      if (need[part] <= 0) continue;
      filter[`remaining.${part}`] = { $gte: need[part] };
      $inc[`remaining.${part}`] = -need[part];
      $inc[`used.${part}`] = need[part];
    }
    const $set: Record<string, unknown> = { updatedAt: now.toISOString(), updatedBy: by };
    for (const r of records) {
      filter[`claims.${r.applicationId}`] = { $exists: false };
      $set[`claims.${r.applicationId}`] = claimOf(r, roundId);
    }
    return this.col.findOneAndUpdate(filter, { $set, $inc });
  }

  /**
   * Replaces an application's decision in force by a correction, moving the difference in money
   * only if the part has it. Null when the decision in force is no longer `previousId` or the
   * money is not there.
   */
  async supersede(
    ledgerId: string,
    previous: LedgerClaim,
    record: DecisionDoc,
    now: Date,
    by: string,
  ): Promise<FrameLedgerDoc | null> {
    const delta = record.amount - previous.amount;
    const filter: Record<string, unknown> = {
      _id: ledgerId,
      [`claims.${record.applicationId}.decisionId`]: previous.decisionId,
    };
    const $inc: Record<string, number> = { version: 1 };
    if (delta !== 0) {
      if (delta > 0) filter[`remaining.${record.part}`] = { $gte: delta };
      $inc[`remaining.${record.part}`] = -delta;
      $inc[`used.${record.part}`] = delta;
    }
    return this.col.findOneAndUpdate(filter, {
      $set: {
        [`claims.${record.applicationId}`]: claimOf(record, previous.roundId),
        updatedAt: now.toISOString(),
        updatedBy: by,
      },
      $inc,
    });
  }

  /**
   * Sets the frame of a ledger seen at `version`: compare-and-set, so a decision recorded in
   * between makes it fail (and the caller re-checks against the new amounts used).
   */
  async setFrame(
    current: FrameLedgerDoc,
    frame: { amount: number; shares: PartShares },
    now: Date,
    by: string,
  ): Promise<FrameLedgerDoc | null> {
    const budgets = partBudgets(frame.amount, frame.shares);
    const remaining = zero();
    for (const part of PARTS) remaining[part] = budgets[part] - current.used[part];
    return this.col.findOneAndUpdate(
      { _id: current._id, version: current.version },
      {
        $set: {
          amount: frame.amount,
          shares: { ...frame.shares },
          budgets,
          remaining,
          updatedAt: now.toISOString(),
          updatedBy: by,
        },
        $inc: { version: 1 },
      },
    );
  }
}

function claimOf(record: DecisionDoc, roundId: string | undefined): LedgerClaim {
  return {
    decisionId: record._id,
    outcome: record.outcome,
    amount: record.amount,
    part: record.part,
    ...(roundId ? { roundId } : {}),
    // A plain copy: no undefined fields, which the two stores would treat differently.
    record: JSON.parse(JSON.stringify(record)) as DecisionDoc,
  };
}
