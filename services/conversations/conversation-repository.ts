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

/** Conversation references from inbound activities, for proactive messages later. */
export class ConversationRepository {
  private readonly col: Collection<ConversationDoc>;
  /** Last written reference per key: skips identical writes on the hot path. */
  private readonly written = new Map<string, string>();

  constructor(store: Store) {
    this.col = store.collection<ConversationDoc>('conversations');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['aadObjectId'] });
  }

  async save(doc: Omit<ConversationDoc, 'updatedAt'>, now: Date): Promise<void> {
    const fingerprint = JSON.stringify(doc);
    if (this.written.get(doc._id) === fingerprint) return;
    await this.col.findOneAndUpdate(
      { _id: doc._id },
      {
        $set: { ...doc, updatedAt: now.toISOString() },
        $unset: { unreachableSince: true },
      },
      { upsert: true },
    );
    if (this.written.size > 50_000) this.written.clear();
    this.written.set(doc._id, fingerprint);
  }

  async get(key: string): Promise<ConversationDoc | null> {
    return this.col.findOne({ _id: key });
  }

  async markUnreachable(key: string, now: Date): Promise<void> {
    this.written.delete(key);
    await this.col.findOneAndUpdate({ _id: key }, { $set: { unreachableSince: now.toISOString() } });
  }

  async forUser(aadObjectId: string): Promise<ConversationDoc[]> {
    return this.col.find({ aadObjectId: aadObjectId.toLowerCase() });
  }

  async deleteForUser(aadObjectId: string): Promise<number> {
    this.written.clear();
    return this.col.deleteMany({ aadObjectId: aadObjectId.toLowerCase() });
  }
}
