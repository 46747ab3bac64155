import { Collection, Filter, isDuplicateKey, Store } from '../store/store';
import { OUTBOX_INDEXES } from './outbox-indexes';
import { SentCount } from './sent-count';

/** Who a proactive message is for; resolved to a stored conversation reference when it is sent. */
export type OutboxTarget =
  | { kind: 'user'; aadObjectId: string }
  | {
      kind: 'channel';
      channelId: string;
      teamId?: string;
      /** post as a reply in this thread */ threadId?: string;
    };

/** What to send: a text, or a card rendered from cards/ by name and view model at send time. */
export interface OutboxPayload {
  text?: string;
  card?: {
    template: string;
    model: unknown;
    /**
     * A live model: `model` only names what to show, and the source of this name builds the
     * view model from the store when the message is sent (the newest state, not the queued one).
     */
    live?: string;
  };
  /** Replace an earlier message in place (e.g. a review card's live tally) instead of posting. */
  update?: { activityId: string; conversationId: string };
}

/**
 * pending: waiting (possibly claimed by an instance with a lease); sending: the request may be
 * on its way to Teams; sent: Teams accepted it; failed: it can never work (bot removed, user
 * gone, no conversation) and is not retried; uncertain: it may or may not have arrived and is
 * not re-sent blindly (an admin reconciles); dead: retries used up (an admin may retry).
 */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'uncertain' | 'dead';

export interface OutboxMessage {
  _id: string;
  target: OutboxTarget;
  payload: OutboxPayload;
  status: OutboxStatus;
  /** 1 for bulk messages (reminders); absent for interactive ones, which go first. */
  priority?: number;
  /** Not before this business time (office hours, a snooze); compared with the app clock. */
  notBefore: string;
  createdAt: string;
  /** Requests made (each time the message went to 'sending'). */
  attempts: number;
  /** 429 answers received; they do not count towards the dead-letter limit. */
  throttles?: number;
  /** The rate-limit scope: one Teams conversation (see {@link conversationKeyOf}). */
  conversationKey?: string;
  /** Not before this wall-clock instant: a back-off or Retry-After (ISO). */
  retryAt?: string;
  leaseOwner?: string;
  /** Wall-clock end of the claim (pending) or of the send (sending). */
  leaseUntil?: string;
  sendingSince?: string;
  sentAt?: string;
  sentActivityId?: string;
  sentConversationId?: string;
  lastError?: string;
  /** Set when an admin resolved an uncertain or dead message (who, what, when). */
  resolution?: { by: string; action: 'retry' | 'mark_delivered'; at: string };
  /** A personal message that may be dropped when a person asks for erasure. */
  personal?: boolean;
}

/**
 * The Teams conversation a message counts against for rate limits: one per user (their 1:1
 * chat with the bot), a channel (a new thread), a thread (a reply), or the conversation of an
 * updated message. Teams limits per bot per thread, so these are the right keys.
 */
export function conversationKeyOf(target: OutboxTarget, payload?: OutboxPayload): string {
  if (target.kind === 'user') return `user:${target.aadObjectId.toLowerCase()}`;
  if (payload?.update) return payload.update.conversationId;
  return target.threadId ? `${target.channelId};messageid=${target.threadId}` : target.channelId;
}

/** Optional enqueue settings. */
export interface EnqueueOptions {
  /**
   * Bulk (scheduled reminders, digests, surveys): sent after interactive messages that are due,
   * so a card update in a turn never waits behind thousands of reminders.
   */
  bulk?: boolean;
}

const BULK_PRIORITY = 1;

/** Counts per status, for the admin view and metrics. */
export type OutboxCounts = Record<OutboxStatus, number>;

const STATUSES: OutboxStatus[] = ['pending', 'sending', 'sent', 'failed', 'uncertain', 'dead'];

/** The outbox: proactive messages written together with the state change that caused them. */
export class OutboxRepository {
  readonly col: Collection<OutboxMessage>;
  /** Called after a message was queued, so the sender can start at once instead of polling. */
  onEnqueue: (() => void) | null = null;

  private readonly sent: SentCount;

  constructor(readonly store: Store) {
    this.col = store.collection<OutboxMessage>('outbox');
    this.sent = new SentCount(store);
  }

  /**
   * Sent messages stay (they are the record of what went out), so every query the sender loop
   * or a turn runs starts with an equality on `status` or `conversationKey`: it reads the queue
   * (pending, sending) or one conversation, never the whole history. See OUTBOX_INDEXES.
   */
  async init(): Promise<void> {
    for (const spec of OUTBOX_INDEXES) await this.col.ensureIndex(spec);
    await this.sent.seed(this.col);
  }

  /**
   * Enqueues a message under a deterministic id: enqueueing the same effect again (a retried
   * turn, a second scheduler instance) is a no-op, so a message is never queued twice.
   */
  async enqueue(
    id: string,
    target: OutboxTarget,
    payload: OutboxPayload,
    now: Date,
    notBefore: Date = now,
    opts: EnqueueOptions = {},
  ): Promise<boolean> {
    try {
      await this.col.insertOne({
        ...(opts.bulk ? { priority: BULK_PRIORITY } : {}),
        _id: id,
        target,
        payload,
        status: 'pending',
        notBefore: notBefore.toISOString(),
        createdAt: now.toISOString(),
        attempts: 0,
        throttles: 0,
        conversationKey: conversationKeyOf(target, payload),
        personal: target.kind === 'user',
      });
      this.onEnqueue?.();
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /**
   * Messages due now and free to claim (no live lease, no back-off running): interactive ones
   * before bulk reminders, oldest first, skipping conversations the caller knows are at their
   * rate limit. Leases and back-offs are part of the query, before its `limit`: with several
   * instances on one database, a head of messages leased by another instance (or waiting for a
   * back-off) would otherwise fill every batch and starve the messages behind it.
   */
  async dueCandidates(
    now: Date,
    wallMs: number,
    skipKeys: string[],
    limit: number,
  ): Promise<OutboxMessage[]> {
    const wall = new Date(wallMs).toISOString();
    const filter: Filter = {
      status: 'pending',
      notBefore: { $lte: now.toISOString() },
      $and: [
        { $or: [{ retryAt: { $exists: false } }, { retryAt: { $lte: wall } }] },
        { $or: [{ leaseUntil: { $exists: false } }, { leaseUntil: { $lt: wall } }] },
      ],
    };
    if (skipKeys.length > 0) filter.conversationKey = { $nin: skipKeys };
    return this.col.find(filter, {
      sort: { priority: 1, notBefore: 1, createdAt: 1 },
      limit,
    });
  }

  /** The earliest wall-clock instant a pending back-off ends (to sleep until then), if any. */
  async nextRetryAt(now: Date): Promise<number | null> {
    const [first] = await this.col.find(
      { status: 'pending', notBefore: { $lte: now.toISOString() }, retryAt: { $exists: true } },
      { sort: { retryAt: 1 }, limit: 1 },
    );
    return first?.retryAt ? Date.parse(first.retryAt) : null;
  }

  /** Claims a pending message with a lease; another instance cannot take it until the lease ends. */
  async claim(
    id: string,
    owner: string,
    wallMs: number,
    leaseMs: number,
  ): Promise<OutboxMessage | null> {
    const wall = new Date(wallMs).toISOString();
    return this.col.findOneAndUpdate(
      {
        _id: id,
        status: 'pending',
        $or: [{ leaseUntil: { $exists: false } }, { leaseUntil: { $lt: wall } }],
      },
      { $set: { leaseOwner: owner, leaseUntil: new Date(wallMs + leaseMs).toISOString() } },
    );
  }

  /** Gives a claimed message back without cost (it was never sent), optionally not before `retryAtMs`. */
  async release(id: string, owner: string, retryAtMs?: number): Promise<void> {
    await this.col.findOneAndUpdate(
      { _id: id, status: 'pending', leaseOwner: owner },
      {
        ...(retryAtMs !== undefined
          ? { $set: { retryAt: new Date(retryAtMs).toISOString() } }
          : {}),
        $unset: { leaseOwner: true, leaseUntil: true },
      },
    );
  }

  /**
   * Marks a claimed message as being sent, right before the request goes out: from here on a
   * crash leaves it 'sending', which recovery turns into 'uncertain', never into a blind re-send.
   */
  async markSending(
    id: string,
    owner: string,
    wallMs: number,
    leaseMs: number,
  ): Promise<OutboxMessage | null> {
    return this.col.findOneAndUpdate(
      { _id: id, status: 'pending', leaseOwner: owner },
      {
        $set: {
          status: 'sending',
          sendingSince: new Date(wallMs).toISOString(),
          leaseUntil: new Date(wallMs + leaseMs).toISOString(),
        },
        $unset: { retryAt: true },
        $inc: { attempts: 1 },
      },
    );
  }

  /** Records Teams' acceptance; also wins over an 'uncertain' set by another instance meanwhile. */
  async markSent(
    id: string,
    owner: string,
    now: Date,
    activityId?: string,
    conversationId?: string,
  ): Promise<void> {
    const sent = await this.col.findOneAndUpdate(
      { _id: id, status: { $in: ['sending', 'uncertain'] }, leaseOwner: owner },
      {
        $set: {
          status: 'sent',
          sentAt: now.toISOString(),
          sentActivityId: activityId,
          sentConversationId: conversationId,
        },
        $unset: { leaseUntil: true, lastError: true },
      },
    );
    if (sent) await this.sent.add();
  }

  /** Puts a message that was sent and refused back in the queue, not before `retryAtMs` (wall clock). */
  async reschedule(
    id: string,
    owner: string,
    retryAtMs: number,
    error: string,
    throttled = false,
  ): Promise<void> {
    await this.col.findOneAndUpdate(
      { _id: id, status: { $in: ['sending', 'uncertain'] }, leaseOwner: owner },
      {
        $set: { status: 'pending', retryAt: new Date(retryAtMs).toISOString(), lastError: error },
        $unset: { leaseOwner: true, leaseUntil: true, sendingSince: true },
        ...(throttled ? { $inc: { throttles: 1 } } : {}),
      },
    );
  }

  /**
   * Ends a claimed message for good. Returns false when the update did not apply (another
   * instance or an admin changed the message meanwhile): the caller then records nothing.
   */
  async markFinal(
    id: string,
    owner: string,
    status: 'failed' | 'dead' | 'uncertain',
    error: string,
  ): Promise<boolean> {
    const done = await this.col.findOneAndUpdate(
      { _id: id, status: { $in: ['sending', 'uncertain', 'pending'] }, leaseOwner: owner },
      { $set: { status, lastError: error }, $unset: { leaseUntil: true } },
    );
    return done !== null;
  }

  /**
   * After a crash: a message whose send lease ran out may or may not have reached Teams. A new
   * post is marked uncertain for an admin to reconcile, never re-sent blindly; an update of an
   * earlier message is idempotent (same content, same message) and goes back to the queue.
   * Expired claims of pending messages need nothing: they are simply claimable again.
   */
  async recoverExpired(wallMs: number): Promise<{ uncertain: string[]; requeued: string[] }> {
    const wall = new Date(wallMs).toISOString();
    const expired = await this.col.find({ status: 'sending', leaseUntil: { $lt: wall } });
    const uncertain: string[] = [];
    const requeued: string[] = [];
    for (const msg of expired) {
      if (msg.payload.update) {
        const done = await this.col.findOneAndUpdate(
          { _id: msg._id, status: 'sending', leaseUntil: msg.leaseUntil },
          {
            $set: { status: 'pending', lastError: 'send lease expired (update: safe to repeat)' },
            $unset: { leaseOwner: true, leaseUntil: true, sendingSince: true },
          },
        );
        if (done) requeued.push(msg._id);
      } else {
        const done = await this.col.findOneAndUpdate(
          { _id: msg._id, status: 'sending', leaseUntil: msg.leaseUntil },
          {
            $set: {
              status: 'uncertain',
              lastError: 'send lease expired: the request may have reached Teams',
            },
          },
        );
        if (done) uncertain.push(msg._id);
      }
    }
    return { uncertain, requeued };
  }

  /**
   * An admin sends a dead, failed or uncertain message again (after checking that an uncertain
   * one did not arrive): back to pending with fresh attempts.
   */
  async requeue(id: string, by: string, now: Date): Promise<OutboxMessage | null> {
    return this.col.findOneAndUpdate(
      { _id: id, status: { $in: ['dead', 'failed', 'uncertain'] } },
      {
        $set: {
          status: 'pending',
          attempts: 0,
          throttles: 0,
          notBefore: now.toISOString(),
          resolution: { by, action: 'retry', at: now.toISOString() },
        },
        $unset: { leaseOwner: true, leaseUntil: true, retryAt: true, sendingSince: true },
      },
    );
  }

  /** An admin confirms that an uncertain message did arrive: it is sent, and never sent again. */
  async confirmDelivered(id: string, by: string, now: Date): Promise<OutboxMessage | null> {
    const sent = await this.col.findOneAndUpdate(
      { _id: id, status: 'uncertain' },
      {
        $set: {
          status: 'sent',
          sentAt: now.toISOString(),
          resolution: { by, action: 'mark_delivered', at: now.toISOString() },
        },
        $unset: { leaseUntil: true },
      },
    );
    if (sent) await this.sent.add();
    return sent;
  }

  async get(id: string): Promise<OutboxMessage | null> {
    return this.col.findOne({ _id: id });
  }

  async byStatus(status: OutboxStatus): Promise<OutboxMessage[]> {
    return this.col.find({ status }, { sort: { createdAt: 1 } });
  }

  /** How many messages are in each status: the queue counted by index, 'sent' kept as a counter (SentCount). */
  async counts(): Promise<OutboxCounts> {
    const out = {} as OutboxCounts;
    for (const s of STATUSES)
      out[s] = s === 'sent' ? await this.sent.current() : await this.col.count({ status: s });
    return out;
  }
}
