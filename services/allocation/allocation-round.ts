import type { DecisionDoc } from '../decisions/decision';
import { Collection, Filter, Store, Update } from '../store/store';

/** A what-if the chair set on one item of a round; the newest per item counts. */
export interface RoundWhatIf {
  itemId: string;
  forced?: 'in' | 'out';
  reducedAmount?: number;
  reason?: string;
  by: string;
  byName: string;
  at: string;
}

export type RoundStatus = 'open' | 'confirming' | 'confirmed';

/**
 * One allocation round: the proposal a chair asked for (`fördela`) for one portfolio and fiscal
 * year, the what-ifs tried on it, and, once confirmed, the decisions it produced. The card is
 * re-rendered from this document and the current state of the applications.
 */
export interface AllocationRoundDoc {
  _id: string;
  portfolioId: string;
  year: number;
  status: RoundStatus;
  whatIfs: RoundWhatIf[];
  createdBy: string;
  createdByName: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** Set when a decision maker confirms: the records that the confirmation writes. */
  confirmation?: {
    by: string;
    byName: string;
    at: string;
    delegation: string;
    records: DecisionDoc[];
  };
  confirmedAt?: string;
}

/** Allocation rounds, one document each. */
export class AllocationRoundRepository {
  private readonly col: Collection<AllocationRoundDoc>;

  constructor(store: Store) {
    this.col = store.collection<AllocationRoundDoc>('allocationRounds');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['portfolioId'] });
    await this.col.ensureIndex({ fields: ['status'] });
  }

  async insert(doc: AllocationRoundDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  async get(id: string): Promise<AllocationRoundDoc | null> {
    return this.col.findOne({ _id: id });
  }

  /** Conditional update (e.g. on status and version); null when the round did not match. */
  async update(filter: Filter, update: Update): Promise<AllocationRoundDoc | null> {
    return this.col.findOneAndUpdate(filter, update);
  }

  async find(filter: Filter): Promise<AllocationRoundDoc[]> {
    return this.col.find(filter, { sort: { createdAt: 1 } });
  }
}
