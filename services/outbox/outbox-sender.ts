/**
 * The outbox sender: delivery guarantees, and why they are what they are.
 *
 * - Queueing is exactly-once: every message has a deterministic id (`enqueue` of the same effect
 *   twice is a no-op), so retried turns and several scheduler instances queue nothing twice.
 * - Delivery of a new post is at-most-once, with nothing lost silently. Teams gives a bot no
 *   way to ask whether a post arrived (the Bot Connector's GET conversation activities is not
 *   available in Teams) and no idempotency key (a client-supplied activity id or channelData is
 *   not deduplicated), so exactly-once cannot be promised against real Teams. What the sender
 *   does instead: a message is marked 'sending' right before its request leaves; if the process
 *   dies, times out or loses the connection after that point, the message becomes 'uncertain'
 *   and is never re-sent automatically. Admins see uncertain messages (`utkorg`) and either
 *   confirm them or send them again. Only requests in flight at that moment can be uncertain
 *   (at most `maxInFlight` per instance). Every outgoing activity carries the outbox id in
 *   `channelData.projektkontoret.outboxId`, so a future reconciler with Microsoft Graph read
 *   access to chats and channels (protected APIs) could settle them without a person.
 * - An update of an earlier message (`payload.update`) is idempotent, so an uncertain update is
 *   simply repeated.
 * - The Bot Framework SDK's own retry policy is removed from the connector client
 *   (bot/outbox-delivery.ts): it would repeat a request after a reset or a 5xx (duplicating a
 *   post Teams may already have) and sleep through Retry-After on its own.
 * - Rate limits hold across instances: see {@link SendWindows} (shared sliding logs in the store,
 *   one request in flight per conversation) — chosen over partitioning conversations between
 *   instances, which would need rebalancing and still share the app-wide limit.
 */
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log';
import type { Logger } from '../logging/logger';
import { Clock } from '../shared/clock';
import { conversationKeyOf, OutboxMessage, OutboxRepository } from './outbox-repository';
import { teamsRateLimits, TeamsRateLimits } from './rate-limits';
import { SendOutcome, SendWindows } from './send-windows';

/** What the Teams edge reports after trying to deliver one message. */
export type DeliveryResult = (
  | { kind: 'sent'; activityId?: string; conversationId?: string }
  /**
   * Teams asked us to slow down (429, with `afterMs` from Retry-After) or was briefly
   * unavailable (412/502/503/504), or the request never left (`dispatched: false`): try later.
   */
  | { kind: 'retry'; afterMs?: number; error: string; status?: number; dispatched?: boolean }
  /** It will never work (bot removed, user gone, no conversation): record, do not retry. */
  | { kind: 'failed'; error: string; status?: number; dispatched?: boolean }
  /** The request may have reached Teams: never re-send blindly. */
  | { kind: 'uncertain'; error: string }
) & {
  /**
   * Wall-clock ms when Teams' answer arrived: the tightest safe bound on when Teams counted the
   * request in its windows (the sender otherwise uses the time the delivery returned).
   */
  answeredAt?: number;
};

export type Deliver = (msg: OutboxMessage) => Promise<DeliveryResult>;

export interface OutboxSenderOptions {
  pollMs: number;
  /** How long a claim (before sending) keeps other instances off a message. Default 30 s. */
  leaseMs?: number;
  /** The delivery's request timeout; a send lease lasts twice as long. Default 15 s. */
  requestTimeoutMs?: number;
  /** Requests that failed with a retryable error before a message is dead-lettered. Default 8. */
  maxAttempts?: number;
  /** 429 answers before a message is dead-lettered (Teams keeps refusing). Default 50. */
  maxThrottles?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Teams' limits (per conversation and app-wide). Default: Teams' published limits, 50/s. */
  limits?: TeamsRateLimits;
  /** Requests in flight at once from this instance. Default 4. */
  maxInFlight?: number;
  /** Due messages read per query. Default 400. */
  batchSize?: number;
  /** Wall clock (ms) for leases, back-off and rate windows; the app clock decides what is due. */
  wallClock?: () => number;
  random?: () => number;
  /** Lease owner name (default a fresh random id per instance). */
  owner?: string;
  /** Records dead-lettered, failed and uncertain messages. */
  audit?: AuditLog;
}

/** Re-read the queue at least this often (new retries, freed conversations); a kick re-reads at once. */
const REFETCH_MS = 3_000;
const RECOVER_EVERY_MS = 1_000;
/** 429s from this many conversations within a second look app-wide: pause the whole app. */
const APP_THROTTLE_CONVERSATIONS = 3;

/**
 * Delivers queued proactive messages as fast as Teams allows and never faster, surviving
 * crashes and sharing the work between instances:
 * - a message is claimed with a lease in the store, then a slot is reserved in the shared
 *   app-wide and per-conversation send windows ({@link SendWindows}), then it is marked
 *   'sending' and sent; a crashed instance's claims simply expire and are taken over;
 * - 429 honours Retry-After (the conversation is blocked for every instance), 412/502/503/504
 *   are retried with exponential back-off and jitter, 403/404 are recorded as failed;
 * - a request that may have reached Teams (timeout or reset after it went out, a crash while
 *   'sending') is never re-sent blindly: it becomes 'uncertain' for an admin to reconcile
 *   (updates of an earlier message are idempotent and are simply repeated);
 * - after `maxAttempts` retryable failures a message is dead-lettered for an admin.
 */
export class OutboxSender {
  readonly owner: string;
  readonly windows: SendWindows;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private passRunning = false;
  private stopped = true;
  private stopping = false;
  private wakeRequested = false;
  /** Something new was queued: the running pass re-reads the queue before the next message. */
  private fresh = false;
  private inFlight = new Set<Promise<void>>();
  private slotWaiters: (() => void)[] = [];
  private skip = new Map<string, number>();
  /** Conversations with a request of this instance in flight (one at a time per conversation). */
  private busyKeys = new Set<string>();
  private lastRecover = 0;
  private recentThrottles: { key: string; at: number; until: number }[] = [];
  private readonly wall: () => number;
  private readonly random: () => number;
  private readonly limits: TeamsRateLimits;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly deliver: Deliver,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: OutboxSenderOptions,
  ) {
    this.owner = opts.owner ?? `sender-${randomUUID()}`;
    this.wall = opts.wallClock ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.limits = opts.limits ?? teamsRateLimits();
    this.windows = new SendWindows(outbox.store, this.limits, this.wall, this.sendLeaseMs);
  }

  private get requestTimeoutMs(): number {
    return this.opts.requestTimeoutMs ?? 15_000;
  }

  /** How long a send may take at most before another instance may judge it (twice the timeout). */
  private get sendLeaseMs(): number {
    return this.requestTimeoutMs * 2;
  }

  start(): void {
    this.stopped = false;
    this.stopping = false;
    this.schedule(0);
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  /** Asks for an immediate pass (after a turn queued something). */
  kick(): void {
    this.fresh = true;
    if (this.stopped) return;
    if (this.passRunning) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.runPass()
        .catch((err: unknown) => this.log.error({ err }, 'outbox pass failed'))
        .then(async () => {
          if (this.stopped) return;
          const again = this.wakeRequested;
          this.wakeRequested = false;
          this.schedule(again ? 0 : await this.nextWakeMs().catch(() => this.opts.pollMs));
        })
        .catch(() => undefined);
    }, ms);
    this.timer.unref?.();
  }

  /** One pass at a time per instance (the timer and `drain` share it). */
  private runPass(): Promise<number> {
    const next = this.chain.then(async () => {
      this.passRunning = true;
      try {
        return await this.pass();
      } finally {
        this.passRunning = false;
      }
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** How long to sleep: until a blocked conversation or a back-off frees up, at most pollMs. */
  private async nextWakeMs(): Promise<number> {
    const now = this.wall();
    let wake = now + this.opts.pollMs;
    for (const until of this.skip.values()) wake = Math.min(wake, until);
    const retry = await this.outbox.nextRetryAt(this.clock());
    if (retry !== null) wake = Math.min(wake, retry);
    return Math.max(0, wake - now);
  }

  /**
   * Sends everything due now, waiting for rate-limit room and back-offs as needed; resolves
   * when nothing due is left pending (or after `maxWaitMs`). Returns how many requests it made.
   * For tests, scripts and the benchmark; the running sender does the same on its own.
   */
  async drain(maxWaitMs = 300_000): Promise<number> {
    const until = this.wall() + maxWaitMs;
    let total = 0;
    for (;;) {
      total += await this.runPass();
      const left = await this.outbox.col.count({
        status: 'pending',
        notBefore: { $lte: this.clock().toISOString() },
      });
      if (left === 0 || this.stopping || this.wall() > until) return total;
      await this.sleep(Math.min(await this.nextWakeMs(), 100));
    }
  }

  private skipKeys(now: number): string[] {
    const keys: string[] = [];
    for (const [key, until] of this.skip) {
      if (until <= now) this.skip.delete(key);
      else keys.push(key);
    }
    return keys;
  }

  private async pass(): Promise<number> {
    await this.maybeRecover();
    const leaseMs = this.opts.leaseMs ?? 30_000;
    const sendLeaseMs = this.sendLeaseMs;
    const batchSize = this.opts.batchSize ?? 400;
    let handled = 0;
    let batch: OutboxMessage[] = [];
    let fetchedAt = 0;
    while (!this.stopping) {
      await this.waitForSlot();
      if (this.stopping) break;
      if (batch.length === 0 || this.fresh || this.wall() - fetchedAt > REFETCH_MS) {
        this.fresh = false;
        await this.maybeRecover();
        const now = this.wall();
        batch = await this.outbox.dueCandidates(
          this.clock(),
          now,
          [...this.skipKeys(now), ...this.busyKeys],
          batchSize,
        );
        fetchedAt = this.wall();
        if (batch.length === 0) {
          // What is left may be waiting for a request in flight to its conversation.
          if (this.inFlight.size > 0) {
            await Promise.race([...this.inFlight]);
            continue;
          }
          break;
        }
      }
      const msg = batch.shift() as OutboxMessage;
      const key = msg.conversationKey ?? conversationKeyOf(msg.target, msg.payload);
      const now = this.wall();
      if ((this.skip.get(key) ?? 0) > now || this.busyKeys.has(key)) continue;
      const at = this.windows.localConversationEarliest(key, now);
      if (at > now) {
        this.skip.set(key, at);
        continue;
      }
      const claimed = await this.outbox.claim(msg._id, this.owner, this.wall(), leaseMs);
      if (!claimed) continue;
      // The conversation first, then wait for app-wide room: when a slot frees up, only the
      // app-wide write and the 'sending' mark stand between it and the request.
      const conv = await this.windows.reserveConversation(key, msg._id);
      if (!conv.ok) {
        this.skip.set(key, conv.retryAt);
        await this.outbox.release(msg._id, this.owner, conv.retryAt);
        continue;
      }
      const app = await this.waitForApp(msg._id);
      if (!app) {
        await this.windows.cancelConversation(key, msg._id);
        await this.outbox.release(msg._id, this.owner);
        continue;
      }
      const sending = await this.outbox.markSending(msg._id, this.owner, this.wall(), sendLeaseMs);
      if (!sending) {
        await this.windows.finish(key, msg._id, 'not_sent');
        continue;
      }
      handled++;
      this.launch(sending, key);
    }
    await Promise.all([...this.inFlight]);
    return handled;
  }

  /** Waits for app-wide room and takes it; false when stopping (or the claim would run out). */
  private async waitForApp(id: string): Promise<boolean> {
    const giveUpAt = this.wall() + (this.opts.leaseMs ?? 30_000) / 2;
    while (!this.stopping && this.wall() < giveUpAt) {
      const at = this.windows.localAppEarliest();
      if (at > this.wall()) {
        await this.sleep(at - this.wall());
        continue;
      }
      const app = await this.windows.reserveApp(id);
      if (app.ok) return true;
      // Another instance took the room this instance saw: wait for the next.
      await this.sleep(Math.max(1, app.retryAt - this.wall()));
    }
    return false;
  }

  private launch(msg: OutboxMessage, key: string): void {
    this.busyKeys.add(key);
    const p: Promise<void> = this.send(msg, key)
      .catch((err: unknown) =>
        this.log.error({ err, outboxId: msg._id }, 'outbox bookkeeping failed'),
      )
      .finally(() => {
        this.busyKeys.delete(key);
        this.inFlight.delete(p);
        this.slotWaiters.shift()?.();
      });
    this.inFlight.add(p);
  }

  private async waitForSlot(): Promise<void> {
    while (this.inFlight.size >= (this.opts.maxInFlight ?? 4)) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
  }

  private async send(msg: OutboxMessage, key: string): Promise<void> {
    let result: DeliveryResult;
    try {
      // What the message tells (and that it is queued) is on disk before it leaves.
      await this.outbox.store.durable();
    } catch (err) {
      const error = `the store could not make its writes durable: ${err instanceof Error ? err.message : String(err)}`;
      result = { kind: 'retry', error, dispatched: false };
      return this.finishSend(msg, key, result);
    }
    try {
      result = await this.deliver(msg);
    } catch (err) {
      result = { kind: 'uncertain', error: err instanceof Error ? err.message : String(err) };
    }
    return this.finishSend(msg, key, result);
  }

  private async finishSend(msg: OutboxMessage, key: string, result: DeliveryResult): Promise<void> {
    const throttled =
      result.kind === 'retry' && (result.status === 429 || /^429\b/.test(result.error));
    const dispatched =
      result.kind === 'sent' || result.kind === 'uncertain' || result.dispatched !== false;
    const outcome: SendOutcome = throttled
      ? 'throttled'
      : !dispatched
        ? 'not_sent'
        : result.kind === 'uncertain' || (result.kind === 'retry' && result.status === undefined)
          ? 'unknown'
          : 'accepted';
    const retryAfterMs = result.kind === 'retry' ? result.afterMs : undefined;
    await this.windows.finish(
      key,
      msg._id,
      outcome,
      throttled ? (retryAfterMs ?? 1000) : undefined,
      result.answeredAt,
    );
    if (throttled) await this.noteThrottle(key, this.wall() + (retryAfterMs ?? 1000));

    const now = this.clock();
    switch (result.kind) {
      case 'sent':
        await this.outbox.markSent(
          msg._id,
          this.owner,
          now,
          result.activityId,
          result.conversationId,
        );
        this.log.debug({ outboxId: msg._id }, 'outbox message sent');
        return;
      case 'failed':
        if (await this.outbox.markFinal(msg._id, this.owner, 'failed', result.error)) {
          await this.record(msg, 'outbox.failed', result.error);
        }
        this.log.warn({ outboxId: msg._id, error: result.error }, 'outbox message failed for good');
        return;
      case 'uncertain':
        if (msg.payload.update) {
          // Updating a message in place is idempotent: repeating it cannot duplicate anything.
          await this.retryLater(msg, result.error, undefined, false);
          return;
        }
        if (await this.outbox.markFinal(msg._id, this.owner, 'uncertain', result.error)) {
          await this.record(msg, 'outbox.uncertain', result.error);
        }
        this.log.error(
          { outboxId: msg._id, error: result.error },
          'outbox message may or may not have been delivered',
        );
        return;
      case 'retry':
        await this.retryLater(msg, result.error, retryAfterMs, throttled);
        return;
    }
  }

  private async retryLater(
    msg: OutboxMessage,
    error: string,
    afterMs: number | undefined,
    throttled: boolean,
  ): Promise<void> {
    const attempts = msg.attempts - (msg.throttles ?? 0);
    const tooMany = throttled
      ? (msg.throttles ?? 0) + 1 >= (this.opts.maxThrottles ?? 50)
      : attempts >= (this.opts.maxAttempts ?? 8);
    if (tooMany) {
      if (await this.outbox.markFinal(msg._id, this.owner, 'dead', error)) {
        await this.record(msg, 'outbox.dead_lettered', error);
      }
      this.log.error({ outboxId: msg._id, error }, 'outbox message dead-lettered');
      return;
    }
    let delay: number;
    if (afterMs !== undefined) {
      // Honour Retry-After exactly, plus a little jitter so instances do not return in lockstep.
      delay = afterMs + this.random() * Math.min(1000, afterMs * 0.1 + 50);
    } else {
      const base = this.opts.baseBackoffMs ?? 1000;
      const n = throttled ? (msg.throttles ?? 0) + 1 : Math.max(1, attempts);
      const cap = Math.min(this.opts.maxBackoffMs ?? 300_000, base * 2 ** (n - 1));
      delay = cap * (0.5 + this.random() * 0.5);
    }
    await this.outbox.reschedule(msg._id, this.owner, this.wall() + delay, error, throttled);
  }

  /** 429s from several conversations at once mean the app-wide limit: pause everything. */
  private async noteThrottle(key: string, until: number): Promise<void> {
    const now = this.wall();
    this.recentThrottles = this.recentThrottles.filter((x) => x.at > now - 1000);
    this.recentThrottles.push({ key, at: now, until });
    const keys = new Set(this.recentThrottles.map((x) => x.key));
    if (keys.size >= APP_THROTTLE_CONVERSATIONS) {
      await this.windows.blockApp(Math.max(...this.recentThrottles.map((x) => x.until)));
    }
  }

  private async record(msg: OutboxMessage, action: string, error: string): Promise<void> {
    if (!this.opts.audit) return;
    await this.opts.audit.append({
      at: this.clock().toISOString(),
      actorId: 'system:outbox',
      action,
      entityType: 'outbox',
      entityId: msg._id,
      before: { status: 'sending', attempts: msg.attempts },
      after: { error },
    });
  }

  private async maybeRecover(): Promise<void> {
    const now = this.wall();
    if (now - this.lastRecover < RECOVER_EVERY_MS) return;
    this.lastRecover = now;
    const { uncertain, requeued } = await this.outbox.recoverExpired(now);
    for (const id of uncertain) {
      this.log.error(
        { outboxId: id },
        'outbox message was being sent when its sender stopped: marked uncertain',
      );
      if (this.opts.audit) {
        await this.opts.audit.append({
          at: this.clock().toISOString(),
          actorId: 'system:outbox',
          action: 'outbox.uncertain',
          entityType: 'outbox',
          entityId: id,
          before: { status: 'sending' },
          after: { status: 'uncertain', reason: 'send lease expired' },
        });
      }
    }
    if (requeued.length > 0)
      this.log.warn(
        { count: requeued.length },
        'outbox updates requeued after an interrupted send',
      );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.ceil(ms))));
  }

  /** Stops polling and waits for the messages being sent, so SIGTERM never cuts a send in half. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.chain;
    await Promise.all([...this.inFlight]);
    await this.windows.close();
  }
}
