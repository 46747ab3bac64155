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

let written = 0;

/**
 * An entry id that sorts in the order entries were written (real time, then a counter in this
 * process): the store breaks ties in `at` by `_id`, so entries of one moment keep their order.
 */
function orderedId(): string {
  written = (written + 1) % 36 ** 6;
  return `${Date.now().toString(36).padStart(9, '0')}${written.toString(36).padStart(6, '0')}-${newId()}`;
}

/** Append-only record of every state change: who, what, when, before and after. */
export class AuditLog {
  private readonly col: Collection<AuditEntry>;

  constructor(store: Store) {
    this.col = store.collection<AuditEntry>('audit');
  }

  /**
   * Entries are kept for good (the public record), so reads go by index: one entity's entries in
   * time order (entityId, at). The privacy area adds actorId (services/privacy/privacy-indexes.ts).
   */
  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['entityId', 'at'] });
  }

  async append(entry: Omit<AuditEntry, '_id'> & { _id?: string }): Promise<void> {
    await this.col.insertOne({ ...entry, _id: entry._id ?? orderedId() });
  }

  async forEntity(entityId: string): Promise<AuditEntry[]> {
    return this.col.find({ entityId }, { sort: { at: 1 } });
  }

  async byActor(actorId: string): Promise<AuditEntry[]> {
    return this.col.find({ actorId }, { sort: { at: 1 } });
  }
}
