import { Collection, isDuplicateKey, Store } from './store';

interface CounterDoc {
  _id: string;
  seq: number;
}

/** Named counters: atomic sequences, and high-water marks that only move up. */
export class CounterRepository {
  private readonly col: Collection<CounterDoc>;

  constructor(store: Store) {
    this.col = store.collection<CounterDoc>('counters');
  }

  /** Takes the next number of an atomic sequence (unique under any concurrency; gaps possible). */
  async next(name: string): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await this.col.findOneAndUpdate(
          { _id: name },
          { $inc: { seq: 1 } },
          { upsert: true },
        );
        if (!doc) throw new Error(`counter ${name} not updated`);
        return doc.seq;
      } catch (err) {
        // Two first-ever upserts can race on MongoDB; the loser retries as a plain increment.
        if (!isDuplicateKey(err) || attempt > 3) throw err;
      }
    }
  }

  /** The counter's value (0 when it was never set). */
  async current(name: string): Promise<number> {
    return (await this.col.findOne({ _id: name }))?.seq ?? 0;
  }

  /** Raises the counter to `value` unless it is already there or higher; never lowers it. */
  async raiseTo(name: string, value: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (
        await this.col.findOneAndUpdate(
          { _id: name, seq: { $lt: value } },
          { $set: { seq: value } },
        )
      )
        return;
      if (await this.col.findOne({ _id: name })) return;
      try {
        await this.col.insertOne({ _id: name, seq: value });
        return;
      } catch (err) {
        // Another process created it meanwhile: compare again.
        if (!isDuplicateKey(err) || attempt > 3) throw err;
      }
    }
  }
}
