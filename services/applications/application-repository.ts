import { BackfillLog, BenefitIndex } from '../review/benefit-index';
import { Collection, Filter, Store, TallyRow, Update } from '../store/store';
import { ApplicationDoc } from './application';

/** True when an update writes the submitted data (a submit, or an erasure of personal data). */
const writesData = (update: Update): boolean =>
  Object.keys(update.$set ?? {})
    .concat(Object.keys(update.$unset ?? {}))
    .some((k) => k === 'data' || k.startsWith('data.'));

/** Applications (drafts and submitted), one document each. */
export class ApplicationRepository {
  private readonly col: Collection<ApplicationDoc>;
  /** The terms of submitted benefit claims, kept up to date by this repository's writes. */
  readonly benefits: BenefitIndex;

  constructor(store: Store) {
    this.col = store.collection<ApplicationDoc>('applications');
    this.benefits = new BenefitIndex(store);
  }

  /**
   * Ensures the indexes and starts the benefit index's backfill in the background (not awaited:
   * after an upgrade it may take minutes; progress and failures go to `log`).
   */
  async init(log?: BackfillLog): Promise<void> {
    await this.col.ensureIndex({ fields: ['regNo'], unique: true, sparse: true });
    // The pipeline by status (reminders, allocation, the register, the benefit backfill).
    await this.col.ensureIndex({ fields: ['status'] });
    // The dashboard: one portfolio's applications of one year (by start date), and their
    // tally by status and part with the sum of their cost, answered by the index alone.
    await this.col.ensureIndex({
      fields: ['data.portfolioId', 'data.startDate', 'status', 'data.part', 'data.devCost'],
    });
    await this.col.ensureIndex({ fields: ['data.startDate'] });
    // Serves `mina ansökningar`: one owner's applications, newest first, a page at a time.
    await this.col.ensureIndex({ fields: ['ownerId', 'createdAt'] });
    this.benefits.start(this.col, log);
  }

  async insert(doc: ApplicationDoc): Promise<void> {
    await this.col.insertOne(doc);
    if (doc.status !== 'draft') await this.benefits.sync(doc);
  }

  /** Keeps the benefit index in step with a write that submitted, changed or ended an application. */
  private async afterUpdate(
    update: Update,
    doc: ApplicationDoc | null,
  ): Promise<ApplicationDoc | null> {
    if (doc && doc.status !== 'draft' && (writesData(update) || update.$set?.status !== undefined))
      await this.benefits.sync(doc, { benefitsChanged: writesData(update) });
    return doc;
  }

  async get(id: string): Promise<ApplicationDoc | null> {
    return this.col.findOne({ _id: id });
  }

  async byOwner(ownerId: string): Promise<ApplicationDoc[]> {
    return this.col.find({ ownerId }, { sort: { createdAt: -1 } });
  }

  /** One page of an owner's applications, newest first (ties by `_id`), read by the owner index. */
  async listByOwner(
    ownerId: string,
    page: { skip: number; limit: number },
  ): Promise<ApplicationDoc[]> {
    return this.col.find(
      { ownerId },
      { sort: { createdAt: -1 }, skip: page.skip, limit: page.limit },
    );
  }

  /** An owner's newest applications that are not withdrawn (what "ask a coach" offers). */
  async recentOpenByOwner(ownerId: string, limit: number): Promise<ApplicationDoc[]> {
    return this.col.find(
      { ownerId, status: { $ne: 'withdrawn' } },
      { sort: { createdAt: -1 }, limit },
    );
  }

  /** How many applications (drafts included) an owner has. */
  async countByOwner(ownerId: string): Promise<number> {
    return this.col.count({ ownerId });
  }

  /** At most `limit` applications matching an indexed filter (whether any exists, cheaply). */
  async findPage(filter: Filter, limit: number): Promise<readonly Readonly<ApplicationDoc>[]> {
    return this.col.findReadonly(filter, { limit });
  }

  /** One page of the applications in these statuses, by `_id` after `after` (read by the status index). */
  async pageByStatus(
    statuses: readonly string[],
    after: string,
    limit: number,
  ): Promise<readonly Readonly<ApplicationDoc>[]> {
    return this.col.findReadonly(
      { status: { $in: [...statuses] }, _id: { $gt: after } },
      { sort: { _id: 1 }, limit },
    );
  }

  /** Counts and sums of the applications matching an indexed filter, grouped (Collection.tally). */
  async tally(filter: Filter, by: string[], sum: string[] = []): Promise<TallyRow[]> {
    return this.col.tally(filter, by, sum);
  }

  /** Matching applications to look at only (never to change): see Collection.findReadonly. */
  async findReadonly(filter: Filter): Promise<readonly Readonly<ApplicationDoc>[]> {
    return this.col.findReadonly(filter);
  }

  async find(filter: Filter): Promise<ApplicationDoc[]> {
    return this.col.find(filter, { sort: { createdAt: 1 } });
  }

  /** Optimistic update: applies only when the document still has `version`. */
  async updateIfVersion(
    id: string,
    version: number,
    update: Update,
  ): Promise<ApplicationDoc | null> {
    return this.afterUpdate(
      update,
      await this.col.findOneAndUpdate(
        { _id: id, version },
        { ...update, $inc: { ...(update.$inc ?? {}), version: 1 } },
      ),
    );
  }

  /** Removes one document matching the filter (a draft the applicant deletes); true when removed. */
  async deleteWhere(filter: Filter): Promise<boolean> {
    return (await this.col.deleteMany(filter)) > 0;
  }

  async update(filter: Filter, update: Update): Promise<ApplicationDoc | null> {
    return this.afterUpdate(
      update,
      await this.col.findOneAndUpdate(filter, {
        ...update,
        $inc: { ...(update.$inc ?? {}), version: 1 },
      }),
    );
  }
}
