import { Collection, isDuplicateKey, Store } from '../store/store';

/** Who a proactive message is for; resolved to a stored conversation reference when it is sent. */
export type OutboxTarget =
  | { kind: 'user'; aadObjectId: string }
  | { kind: 'channel'; channelId: string; teamId?: string; /** post as a reply in this thread */ threadId?: string };

/** What to send: a text, or a card rendered from cards/ by name and view model at send time. */
export interface OutboxPayload {
  text?: string;
  card?: { template: string; model: unknown };
  /** Replace an earlier message in place (e.g. a review card's live tally) instead of posting. */
  update?: { activityId: string; conversationId: string };
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'uncertain' | 'dead';

export interface OutboxMessage {
  _id: string;
  target: OutboxTarget;
  payload: OutboxPayload;
  status: OutboxStatus;
  notBefore: string;
  createdAt: string;
  attempts: number;
  leaseOwner?: string;
  leaseUntil?: string;
  sentAt?: string;
  sentActivityId?: string;
  sentConversationId?: string;
  lastError?: string;
  /** A personal message that may be dropped when a person asks for erasure. */
  personal?: boolean;
}

/** The outbox: proactive messages written together with the state change that caused them. */
export class OutboxRepository {
  readonly col: Collection<OutboxMessage>;
  /** Called after a message was queued, so the sender can start at once instead of polling. */
  onEnqueue: (() => void) | null = null;

  constructor(store: Store) {
    this.col = store.collection<OutboxMessage>('outbox');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['status'] });
    await this.col.ensureIndex({ fields: ['notBefore'] });
  }

  /**
   * Enqueues a message under a deterministic id: enqueueing the same effect again (a retried
   * turn) is a no-op, so a message is never queued twice.
   */
  async enqueue(
    id: string,
    target: OutboxTarget,
    payload: OutboxPayload,
    now: Date,
    notBefore: Date = now,
  ): Promise<boolean> {
    try {
      await this.col.insertOne({
        _id: id,
        target,
        payload,
        status: 'pending',
        notBefore: notBefore.toISOString(),
        createdAt: now.toISOString(),
        attempts: 0,
        personal: target.kind === 'user',
      });
      this.onEnqueue?.();
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Claims the next due message with a lease; another instance cannot take it until the lease ends. */
  async claimNext(owner: string, now: Date, leaseMs: number): Promise<OutboxMessage | null> {
    return this.col.findOneAndUpdate(
      { status: 'pending', notBefore: { $lte: now.toISOString() } },
      {
        $set: { status: 'sending', leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs).toISOString() },
        $inc: { attempts: 1 },
      },
      { sort: { notBefore: 1 } },
    );
  }

  async markSent(id: string, owner: string, now: Date, activityId?: string, conversationId?: string): Promise<void> {
    await this.col.findOneAndUpdate(
      { _id: id, status: 'sending', leaseOwner: owner },
      { $set: { status: 'sent', sentAt: now.toISOString(), sentActivityId: activityId, sentConversationId: conversationId } },
    );
  }

  async reschedule(id: string, owner: string, notBefore: Date, error: string): Promise<void> {
    await this.col.findOneAndUpdate(
      { _id: id, status: 'sending', leaseOwner: owner },
      { $set: { status: 'pending', notBefore: notBefore.toISOString(), lastError: error }, $unset: { leaseOwner: true, leaseUntil: true } },
    );
  }

  async markFinal(id: string, owner: string, status: 'failed' | 'dead' | 'uncertain', error: string): Promise<void> {
    await this.col.findOneAndUpdate(
      { _id: id, status: 'sending', leaseOwner: owner },
      { $set: { status, lastError: error } },
    );
  }

  /**
   * A message whose lease ran out while it was being sent may or may not have reached Teams:
   * it is marked uncertain for an admin to reconcile, never re-sent blindly.
   */
  async expireLeases(now: Date): Promise<number> {
    return this.col.updateMany(
      { status: 'sending', leaseUntil: { $lt: now.toISOString() } },
      { $set: { status: 'uncertain', lastError: 'lease expired during send' } },
    );
  }

  async get(id: string): Promise<OutboxMessage | null> {
    return this.col.findOne({ _id: id });
  }

  async byStatus(status: OutboxStatus): Promise<OutboxMessage[]> {
    return this.col.find({ status }, { sort: { createdAt: 1 } });
  }
}
