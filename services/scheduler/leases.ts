import { Collection, isDuplicateKey, Store } from '../store/store';

interface LeaseDoc {
  _id: string;
  owner: string;
  /** Wall-clock ms when the lease ends (a crashed holder's lease simply runs out). */
  until: number;
}

/**
 * Short leases in the store, so that instances without a leader do not work on the same thing
 * at once (e.g. composing one person's digest). Correctness never depends on a lease alone:
 * deterministic ids make a second attempt a no-op; the lease only keeps a digest's contents
 * consistent when two instances build it at the same moment.
 */
export class LeaseRepository {
  private readonly col: Collection<LeaseDoc>;

  constructor(store: Store) {
    this.col = store.collection<LeaseDoc>('scheduler_leases');
  }

  /** Takes the lease when it is free or expired; false when someone else holds it. */
  async acquire(key: string, owner: string, wallMs: number, ttlMs: number): Promise<boolean> {
    try {
      await this.col.insertOne({ _id: key, owner, until: wallMs + ttlMs });
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const taken = await this.col.findOneAndUpdate(
      { _id: key, $or: [{ until: { $lt: wallMs } }, { owner }] },
      { $set: { owner, until: wallMs + ttlMs } },
    );
    return taken !== null;
  }

  async release(key: string, owner: string): Promise<void> {
    await this.col.deleteMany({ _id: key, owner });
  }
}
