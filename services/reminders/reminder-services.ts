import { Collection, isDuplicateKey, Store } from '../store/store';
import { DigestItem } from './reminder';
import { DEFAULT_REMINDER_SETTINGS, ReminderSettings } from './reminder-settings';
import { ReminderSources } from './reminder-sources';

/**
 * Which digest delivered a reminder: the durable "sent once" record. A snoozed digest's
 * entries are re-armed (digestId null, rearmAt) so the next digest picks them up again.
 */
export interface LedgerEntry {
  _id: string;
  recipientId: string;
  digestId: string | null;
  claimedAt: string;
  rearmAt?: string;
  item: DigestItem;
}

/** A person's choices about nudges. */
export interface ReminderPrefsDoc {
  _id: string;
  /** No non-mandatory nudges (project reports still come). */
  optOut: boolean;
  /** No digest before this instant. */
  snoozedUntil?: string;
  updatedAt: string;
}

/** The reminder ledger. */
export class ReminderLedger {
  readonly col: Collection<LedgerEntry>;

  constructor(store: Store) {
    this.col = store.collection<LedgerEntry>('reminder_ledger');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['digestId'] });
    await this.col.ensureIndex({ fields: ['recipientId'] });
  }

  async getMany(keys: string[]): Promise<Map<string, LedgerEntry>> {
    const out = new Map<string, LedgerEntry>();
    for (let i = 0; i < keys.length; i += 500) {
      for (const e of await this.col.find({ _id: { $in: keys.slice(i, i + 500) } }))
        out.set(e._id, e);
    }
    return out;
  }

  async get(key: string): Promise<LedgerEntry | null> {
    return this.col.findOne({ _id: key });
  }

  /**
   * Claims an item for a digest: true when it is now this digest's (first time, re-armed after
   * a snooze, or already claimed by this very digest before a crash), false when another
   * digest has it.
   */
  async claim(
    recipientId: string,
    item: DigestItem,
    digestId: string,
    now: Date,
  ): Promise<boolean> {
    const at = now.toISOString();
    try {
      await this.col.insertOne({ _id: item.key, recipientId, digestId, claimedAt: at, item });
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const rearmed = await this.col.findOneAndUpdate(
      { _id: item.key, digestId: null, rearmAt: { $lte: at } },
      { $set: { digestId, claimedAt: at, item }, $unset: { rearmAt: true } },
    );
    if (rearmed) return true;
    return (await this.col.findOne({ _id: item.key }))?.digestId === digestId;
  }

  async forDigest(digestId: string): Promise<LedgerEntry[]> {
    return this.col.find({ digestId }, { sort: { claimedAt: 1 } });
  }

  /** Gives a digest's items back for a later digest, not before `until`. */
  async rearmDigest(digestId: string, until: Date): Promise<number> {
    return this.col.updateMany(
      { digestId },
      { $set: { digestId: null, rearmAt: until.toISOString() } },
    );
  }
}

/** Opt-out and snooze per person. */
export class ReminderPrefsRepository {
  readonly col: Collection<ReminderPrefsDoc>;

  constructor(store: Store) {
    this.col = store.collection<ReminderPrefsDoc>('reminder_prefs');
  }

  async get(aad: string): Promise<ReminderPrefsDoc | null> {
    return this.col.findOne({ _id: aad.toLowerCase() });
  }

  async getMany(ids: string[]): Promise<Map<string, ReminderPrefsDoc>> {
    const out = new Map<string, ReminderPrefsDoc>();
    for (let i = 0; i < ids.length; i += 500) {
      for (const p of await this.col.find({ _id: { $in: ids.slice(i, i + 500) } }))
        out.set(p._id, p);
    }
    return out;
  }

  async set(
    aad: string,
    change: Partial<Omit<ReminderPrefsDoc, '_id' | 'updatedAt'>>,
    now: Date,
  ): Promise<ReminderPrefsDoc> {
    const current = await this.get(aad);
    const doc = await this.col.findOneAndUpdate(
      { _id: aad.toLowerCase() },
      { $set: { optOut: current?.optOut ?? false, ...change, updatedAt: now.toISOString() } },
      { upsert: true },
    );
    return doc as ReminderPrefsDoc;
  }
}

/** Reminder state, settings and the sources other areas register. */
export class ReminderServices {
  readonly ledger: ReminderLedger;
  readonly prefs: ReminderPrefsRepository;
  settings: ReminderSettings;
  readonly sources: ReminderSources = {};

  constructor(store: Store, settings: Partial<ReminderSettings> = {}) {
    this.ledger = new ReminderLedger(store);
    this.prefs = new ReminderPrefsRepository(store);
    this.settings = { ...DEFAULT_REMINDER_SETTINGS, ...settings };
  }

  async init(): Promise<void> {
    await this.ledger.init();
  }
}
