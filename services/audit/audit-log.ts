import { Collection, Store } from '../store/store';
import { newId } from '../shared/ids';

export interface AuditEntry {
  _id: string;
  at: string;
  actorId: string;
  actorName?: string;
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  activityId?: string;
}

/** Append-only record of every state change: who, what, when, before and after. */
export class AuditLog {
  private readonly col: Collection<AuditEntry>;

  constructor(store: Store) {
    this.col = store.collection<AuditEntry>('audit');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['entityId'] });
  }

  async append(entry: Omit<AuditEntry, '_id'> & { _id?: string }): Promise<void> {
    await this.col.insertOne({ ...entry, _id: entry._id ?? newId() });
  }

  async forEntity(entityId: string): Promise<AuditEntry[]> {
    return this.col.find({ entityId }, { sort: { at: 1 } });
  }

  async byActor(actorId: string): Promise<AuditEntry[]> {
    return this.col.find({ actorId }, { sort: { at: 1 } });
  }
}
