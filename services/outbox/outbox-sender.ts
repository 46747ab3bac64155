import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/logger';
import { Clock } from '../shared/clock';
import { OutboxMessage, OutboxRepository } from './outbox-repository';

/** What the Teams edge reports after trying to deliver one message. */
export type DeliveryResult =
  | { kind: 'sent'; activityId?: string; conversationId?: string }
  /** Teams asked us to slow down or was briefly unavailable: try again later. */
  | { kind: 'retry'; afterMs?: number; error: string }
  /** It will never work (bot removed, user gone, no conversation): record, do not retry. */
  | { kind: 'failed'; error: string }
  /** The request may have reached Teams: never re-send blindly. */
  | { kind: 'uncertain'; error: string };

export type Deliver = (msg: OutboxMessage) => Promise<DeliveryResult>;

export interface OutboxSenderOptions {
  pollMs: number;
  leaseMs?: number;
  maxAttempts?: number;
  baseBackoffMs?: number;
}

/**
 * Delivers queued proactive messages, surviving restarts: messages are claimed with a lease in
 * the store, marked sent after Teams accepted them, and never sent twice.
 */
export class OutboxSender {
  readonly owner = `sender-${randomUUID()}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private wakeRequested = false;
  private stopping = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly deliver: Deliver,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: OutboxSenderOptions,
  ) {}

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
    if (this.stopped) return;
    if (this.running) {
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
      this.running = this.drain()
        .then(() => undefined)
        .catch((err: unknown) => this.log.error({ err }, 'outbox pass failed'))
        .finally(() => {
          this.running = null;
          const again = this.wakeRequested;
          this.wakeRequested = false;
          this.schedule(again ? 0 : this.opts.pollMs);
        });
    }, ms);
    this.timer.unref?.();
  }

  /** Sends everything due now; returns how many were handled. Exposed for tests and dry runs. */
  async drain(): Promise<number> {
    const leaseMs = this.opts.leaseMs ?? 60_000;
    await this.outbox.expireLeases(this.clock());
    let handled = 0;
    while (!this.stopping) {
      const msg = await this.outbox.claimNext(this.owner, this.clock(), leaseMs);
      if (!msg) break;
      handled++;
      await this.handle(msg);
    }
    return handled;
  }

  private async handle(msg: OutboxMessage): Promise<void> {
    let result: DeliveryResult;
    try {
      result = await this.deliver(msg);
    } catch (err) {
      result = { kind: 'uncertain', error: err instanceof Error ? err.message : String(err) };
    }
    const now = this.clock();
    switch (result.kind) {
      case 'sent':
        await this.outbox.markSent(msg._id, this.owner, now, result.activityId, result.conversationId);
        this.log.info({ outboxId: msg._id }, 'outbox message sent');
        return;
      case 'failed':
        await this.outbox.markFinal(msg._id, this.owner, 'failed', result.error);
        this.log.warn({ outboxId: msg._id, error: result.error }, 'outbox message failed for good');
        return;
      case 'uncertain':
        await this.outbox.markFinal(msg._id, this.owner, 'uncertain', result.error);
        this.log.error({ outboxId: msg._id, error: result.error }, 'outbox message may or may not have been delivered');
        return;
      case 'retry': {
        const max = this.opts.maxAttempts ?? 8;
        if (msg.attempts >= max) {
          await this.outbox.markFinal(msg._id, this.owner, 'dead', result.error);
          this.log.error({ outboxId: msg._id, error: result.error }, 'outbox message dead-lettered');
          return;
        }
        const base = this.opts.baseBackoffMs ?? 1000;
        const backoff = result.afterMs ?? Math.min(300_000, base * 2 ** (msg.attempts - 1)) * (0.5 + Math.random());
        await this.outbox.reschedule(msg._id, this.owner, new Date(now.getTime() + backoff), result.error);
        return;
      }
    }
  }

  /** Stops polling and waits for the message being sent, so SIGTERM never cuts a send in half. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running;
  }
}
