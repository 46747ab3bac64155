import { Collection, Store } from '../store/store';

/** Enough of a Bot Framework ConversationReference to reach the conversation again. */
export interface StoredReference {
  serviceUrl: string;
  channelId: string;
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean };
  bot: { id: string; name?: string };
  user?: { id: string; name?: string; aadObjectId?: string };
  locale?: string;
}

export interface ConversationDoc {
  _id: string;
  kind: 'personal' | 'channel' | 'groupChat';
  aadObjectId?: string;
  teamId?: string;
  channelId?: string;
  tenantId?: string;
  reference: StoredReference;
  updatedAt: string;
  /** Set when Teams says the bot can no longer reach it (removed, user gone). */
  unreachableSince?: string;
}

/** Keys: one personal conversation per user, one per channel. */
export const personalKey = (aadObjectId: string): string => `personal:${aadObjectId.toLowerCase()}`;
export const channelKey = (channelId: string): string => `channel:${channelId}`;

/** A key-order independent JSON form, to compare a reference with the stored one. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined && o[k] !== null)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** True when every field of `doc` is stored with the same value. */
function sameContent(stored: ConversationDoc, doc: Omit<ConversationDoc, 'updatedAt'>): boolean {
  const picked: Record<string, unknown> = {};
  for (const k of Object.keys(doc)) picked[k] = (stored as unknown as Record<string, unknown>)[k];
  return canonical(picked) === canonical(doc);
}

/**
 * Conversation references from inbound activities, for proactive messages later.
 *
 * Several instances share one database, so nothing here is remembered per process: an
 * identical write is skipped only when the stored document (read each time) already holds the
 * same reference and is reachable. A conversation another instance marked unreachable is made
 * reachable again by the next activity from it, whichever instance receives it.
 */
export class ConversationRepository {
  private readonly col: Collection<ConversationDoc>;

  constructor(store: Store) {
    this.col = store.collection<ConversationDoc>('conversations');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['aadObjectId'] });
    // The newest reference (bot/outbox-delivery.ts: a channel's serviceUrl), without a sort of all.
    await this.col.ensureIndex({ fields: ['updatedAt'] });
  }

  async save(doc: Omit<ConversationDoc, 'updatedAt'>, now: Date): Promise<void> {
    const stored = await this.col.findOne({ _id: doc._id });
    if (stored && !stored.unreachableSince && sameContent(stored, doc)) return;
    await this.col.findOneAndUpdate(
      { _id: doc._id },
      {
        $set: { ...doc, updatedAt: now.toISOString() },
        $unset: { unreachableSince: true },
      },
      { upsert: true },
    );
  }

  async get(key: string): Promise<ConversationDoc | null> {
    return this.col.findOne({ _id: key });
  }

  async markUnreachable(key: string, now: Date): Promise<void> {
    await this.col.findOneAndUpdate(
      { _id: key },
      { $set: { unreachableSince: now.toISOString() } },
    );
  }

  async forUser(aadObjectId: string): Promise<ConversationDoc[]> {
    return this.col.find({ aadObjectId: aadObjectId.toLowerCase() });
  }

  async deleteForUser(aadObjectId: string): Promise<number> {
    return this.col.deleteMany({ aadObjectId: aadObjectId.toLowerCase() });
  }
}
