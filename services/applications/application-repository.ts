import { Collection, Filter, Store, Update } from '../store/store';
import { ApplicationDoc } from './application';

/** Applications (drafts and submitted), one document each. */
export class ApplicationRepository {
  private readonly col: Collection<ApplicationDoc>;

  constructor(store: Store) {
    this.col = store.collection<ApplicationDoc>('applications');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['ownerId'] });
    await this.col.ensureIndex({ fields: ['regNo'], unique: true, sparse: true });
  }

  async insert(doc: ApplicationDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  async get(id: string): Promise<ApplicationDoc | null> {
    return this.col.findOne({ _id: id });
  }

  async byOwner(ownerId: string): Promise<ApplicationDoc[]> {
    return this.col.find({ ownerId }, { sort: { createdAt: -1 } });
  }

  async find(filter: Filter): Promise<ApplicationDoc[]> {
    return this.col.find(filter, { sort: { createdAt: 1 } });
  }

  /** Optimistic update: applies only when the document still has `version`. */
  async updateIfVersion(id: string, version: number, update: Update): Promise<ApplicationDoc | null> {
    return this.col.findOneAndUpdate(
      { _id: id, version },
      { ...update, $inc: { ...(update.$inc ?? {}), version: 1 } },
    );
  }

  /** Removes one document matching the filter (a draft the applicant deletes); true when removed. */
  async deleteWhere(filter: Filter): Promise<boolean> {
    return (await this.col.deleteMany(filter)) > 0;
  }

  async update(filter: Filter, update: Update): Promise<ApplicationDoc | null> {
    return this.col.findOneAndUpdate(filter, { ...update, $inc: { ...(update.$inc ?? {}), version: 1 } });
  }
}
