import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Activity types counted by name; anything else is `other`, so a caller cannot grow the label set. */
export const TURN_TYPES = [
  'message',
  'invoke',
  'conversationUpdate',
  'installationUpdate',
  'messageReaction',
  'messageUpdate',
  'messageDelete',
  'event',
  'typing',
] as const;

/** How a turn ended at the HTTP edge. */
export type TurnOutcome =
  'ok' | 'error' | 'duplicate' | 'in_progress' | 'ignored_tenant' | 'ignored_service_url';

/** Result of one outbox delivery attempt (the sender's vocabulary). */
export type OutboxSendResult = 'sent' | 'retry' | 'failed' | 'uncertain' | 'dead';

/** Where a Teams 429 was met: a reply inside a turn, a proactive outbox send, or elsewhere. */
export type ThrottleSource = 'turn' | 'outbox' | 'other';

/** Why a request to /api/messages was refused before it became a turn. */
export type RejectReason =
  'not_activity' | 'invalid_json' | 'payload_too_large' | 'unsupported_media_type' | 'other';

/** Statuses of outbox documents, reported by the queue gauge. */
export const OUTBOX_STATUSES = [
  'pending',
  'sending',
  'sent',
  'failed',
  'uncertain',
  'dead',
] as const;

/**
 * The bot's Prometheus metrics (one registry per instance). Feature code calls e.g.
 * `metrics.outboxSends.inc({ result: 'sent' })`; `GET /metrics` serves {@link Metrics.render}.
 */
export class Metrics {
  readonly registry = new Registry();

  /** Turns by activity type and outcome (see {@link turnType}). */
  readonly turns = new Counter<'type' | 'outcome'>({
    name: 'projektkontoret_turns_total',
    help: 'Activities handled at /api/messages, by activity type and outcome',
    labelNames: ['type', 'outcome'],
    registers: [this.registry],
  });

  /** Time from an authenticated invoke (card click) to its answer. */
  readonly invokeDuration = new Histogram<'verb' | 'outcome'>({
    name: 'projektkontoret_invoke_duration_seconds',
    help: 'Latency of Action.Execute invokes, by verb (unknown verbs as "unknown") and outcome',
    labelNames: ['verb', 'outcome'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });

  /** Outbox delivery attempts by result. */
  readonly outboxSends = new Counter<'result'>({
    name: 'projektkontoret_outbox_sends_total',
    help: 'Outbox delivery attempts by result (sent, retry, failed, uncertain, dead)',
    labelNames: ['result'],
    registers: [this.registry],
  });

  /** 429 answers from Teams, each one (also those the SDK retried by itself); see connector-throttles.ts. */
  readonly throttles = new Counter<'source'>({
    name: 'projektkontoret_throttles_total',
    help: 'HTTP 429 (throttled) answers from the Bot Connector, by source (turn, outbox, other)',
    labelNames: ['source'],
    registers: [this.registry],
  });

  /** Requests refused with 401 at /api/messages. */
  readonly authFailures = new Counter<'reason'>({
    name: 'projektkontoret_auth_failures_total',
    help: 'Requests to /api/messages refused with 401, by reason (missing_token, invalid_token)',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  /** Requests refused before they became a turn (bad body, too large, wrong media type). */
  readonly rejectedRequests = new Counter<'reason'>({
    name: 'projektkontoret_rejected_requests_total',
    help: 'Requests to /api/messages refused before authentication, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  /** Outbox documents by status, read from the store at scrape time. */
  readonly outboxQueue = new Gauge<'status'>({
    name: 'projektkontoret_outbox_queue',
    help: 'Outbox messages by status, counted in the store when scraped',
    labelNames: ['status'],
    registers: [this.registry],
  });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one outbox delivery attempt. */
  recordDelivery(result: OutboxSendResult): void {
    this.outboxSends.inc({ result });
  }

  /** Sets the queue gauge from the outbox's counts per status (read at scrape time). */
  setOutboxQueue(counts: Partial<Record<string, number>>): void {
    for (const status of OUTBOX_STATUSES) this.outboxQueue.set({ status }, counts[status] ?? 0);
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** The label for an activity type: one of {@link TURN_TYPES}, else `other`. */
export function turnType(type: unknown): string {
  return typeof type === 'string' && (TURN_TYPES as readonly string[]).includes(type)
    ? type
    : 'other';
}

/** The process-wide metrics the app and the outbox sender share. */
export const metrics = new Metrics();
