import { Collection, isDuplicateKey, Store } from '../store/store';
import { DecisionDoc } from './decision';

/**
 * The decision records: insert and read only. There is deliberately no update or delete, so a
 * decision once recorded can only be superseded by a new record.
 */
export class DecisionRepository {
  private readonly col: Collection<DecisionDoc>;

  constructor(store: Store) {
    this.col = store.collection<DecisionDoc>('decisions');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['applicationId'] });
    await this.col.ensureIndex({ fields: ['roundId'] });
    await this.col.ensureIndex({ fields: ['supersedes'], unique: true, sparse: true });
    // The register of one portfolio and year, or of one year (all(), the register export).
    await this.col.ensureIndex({ fields: ['portfolioId', 'year'] });
    await this.col.ensureIndex({ fields: ['year'] });
    // A person's decisions, for a personal-data request (privacy/personal-data.ts).
    await this.col.ensureIndex({ fields: ['applicantId'] });
    await this.col.ensureIndex({ fields: ['decidedBy.aadObjectId'] });
  }

  /** Records a decision; false when a record with this id exists already (a retried write). */
  async insert(doc: DecisionDoc): Promise<boolean> {
    try {
      await this.col.insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async get(id: string): Promise<DecisionDoc | null> {
    return this.col.findOne({ _id: id });
  }

  /** Which of these ids are recorded. */
  async existing(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const docs = await this.col.find({ _id: { $in: ids } });
    return new Set(docs.map((d) => d._id));
  }

  /** Every decision on an application, oldest first. */
  async forApplication(applicationId: string): Promise<DecisionDoc[]> {
    return this.col.find({ applicationId }, { sort: { seq: 1 } });
  }

  /** The decisions confirmed in a round, with their corrections, in record order. */
  async forRound(roundId: string): Promise<DecisionDoc[]> {
    return this.col.find({ roundId }, { sort: { decidedAt: 1, regNo: 1, seq: 1 } });
  }

  /** All decisions (optionally of one portfolio), for the public register. */
  async all(filter: { portfolioId?: string; year?: number } = {}): Promise<DecisionDoc[]> {
    const q: Record<string, unknown> = {};
    if (filter.portfolioId) q.portfolioId = filter.portfolioId;
    if (filter.year !== undefined) q.year = filter.year;
    return this.col.find(q, { sort: { decisionDate: 1, regNo: 1, seq: 1 } });
  }
}

/** The decisions in force: per application the newest record, i.e. one nothing supersedes. */
export function currentDecisions(decisions: readonly DecisionDoc[]): DecisionDoc[] {
  const superseded = new Set(decisions.map((d) => d.supersedes).filter((x): x is string => !!x));
  const latest = new Map<string, DecisionDoc>();
  for (const d of decisions) {
    if (superseded.has(d._id)) continue;
    const seen = latest.get(d.applicationId);
    if (!seen || seen.seq < d.seq) latest.set(d.applicationId, d);
  }
  return [...latest.values()];
}
