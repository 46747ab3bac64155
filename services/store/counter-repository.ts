import { Collection, isDuplicateKey, Store } from './store';

interface CounterDoc {
  _id: string;
  seq: number;
}

/** Atomic sequences (registration numbers per year): unique under any concurrency. */
export class CounterRepository {
  private readonly col: Collection<CounterDoc>;

  constructor(store: Store) {
    this.col = store.collection<CounterDoc>('counters');
  }

  async next(name: string): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await this.col.findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }, { upsert: true });
        if (!doc) throw new Error(`counter ${name} not updated`);
        return doc.seq;
      } catch (err) {
        // Two first-ever upserts can race on MongoDB; the loser retries as a plain increment.
        if (!isDuplicateKey(err) || attempt > 3) throw err;
      }
    }
  }
}
