import { Collection, isDuplicateKey, Store } from '../store/store';
import { earliestSlot, longestWindow, RateWindow, TeamsRateLimits } from './rate-limits';

/** A request reserved at `r` whose arrival at Teams is known to be no later than `u`. */
interface InFlight {
  id: string;
  r: number;
  u: number;
}

/**
 * The send log of one rate-limit scope (the whole app, or one conversation), shared by every
 * instance through the store. Times are epoch ms of the wall clock.
 */
export interface SendWindowDoc {
  _id: string;
  /** Compare-and-set revision: every change is conditional on the revision read. */
  rev: number;
  /** Upper bounds of the arrival times of requests Teams accepted (or may have), ascending. */
  done: number[];
  /** Requests reserved and not yet finished (by any instance). */
  inflight: InFlight[];
  /** No request before this instant: a Retry-After Teams gave for this scope. */
  blockedUntil: number;
  updatedAt: string;
}

/** Whether a request may go now, or when to try again and which limit said no. */
export type ReserveResult =
  { ok: true } | { ok: false; retryAt: number; scope: 'app' | 'conversation' };

/** How a reserved request ended, as far as the rate limits are concerned. */
export type SendOutcome =
  /** Teams accepted it, or may have (it counts in the windows). */
  | 'accepted'
  /** It never left this process (it does not count). */
  | 'not_sent'
  /** Teams answered 429: it was not accepted and does not count. */
  | 'throttled'
  /**
   * No answer (timeout, reset): it may still arrive at Teams later, so it counts as arriving
   * as late as its reservation allows.
   */
  | 'unknown';

const APP_SCOPE = 'app';
const convScope = (key: string): string => `c:${key}`;
const MAX_CAS_ROUNDS = 25;
const MAX_CACHED = 20_000;
/** When another request to the conversation is in flight, look again this much later. */
const BUSY_RETRY_MS = 100;

interface Completion {
  outcome: SendOutcome;
  at: number;
}

/**
 * Teams' sliding windows, enforced across instances: before each request the sender reserves a
 * slot in the app-wide log and in the conversation's log with a compare-and-set on the store,
 * so two instances can never together exceed a window. A reservation counts as "maybe arrived
 * any time until the request's timeout" until its completion time is published; completion
 * times (taken after Teams answered, so never earlier than the arrival) are published with the
 * next write to the same log. A crashed instance's reservations therefore keep counting until
 * their timeout, which errs on the safe side.
 *
 * Why not Bottleneck: its shared mode needs Redis, it knows one interval/reservoir per limiter
 * rather than several sliding windows, and a local limiter cannot see other instances' sends.
 */
export class SendWindows {
  private readonly col: Collection<SendWindowDoc>;
  private readonly cache = new Map<string, SendWindowDoc>();
  private readonly completions = new Map<string, Map<string, Completion>>();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    store: Store,
    private readonly limits: TeamsRateLimits,
    private readonly wall: () => number = Date.now,
    /** How long a reservation may be in flight at most (the request timeout plus slack). */
    private readonly inflightMaxMs = 30_000,
  ) {
    this.col = store.collection<SendWindowDoc>('outbox_windows');
  }

  /**
   * The earliest instant a request to conversation `key` could go, judged from what this
   * instance last saw (no store access): used to pick messages; `reserve` decides.
   */
  localEarliest(key: string, t = this.wall()): number {
    return Math.max(
      this.localScopeEarliest(APP_SCOPE, this.limits.appWide, t),
      this.localScopeEarliest(convScope(key), this.limits.perConversation, t),
    );
  }

  /** The earliest instant a request to conversation `key` could go as far as that conversation is concerned. */
  localConversationEarliest(key: string, t = this.wall()): number {
    return this.localScopeEarliest(convScope(key), this.limits.perConversation, t);
  }

  /** The earliest instant any request could go, app-wide, from what this instance last saw. */
  localAppEarliest(t = this.wall()): number {
    return this.localScopeEarliest(APP_SCOPE, this.limits.appWide, t);
  }

  private localScopeEarliest(scope: string, windows: RateWindow[], t: number): number {
    const doc = this.cache.get(scope);
    if (!doc) return t;
    const view = this.materialize(doc, t, new Set());
    return Math.max(
      view.blockedUntil,
      earliestSlot(timesOf(view), windows, t, this.limits.marginMs),
    );
  }

  /**
   * Reserves one request to conversation `key` for outbox message `id` right now, in the
   * conversation and app-wide, or says when to try again (giving back what it took).
   */
  async reserve(key: string, id: string): Promise<ReserveResult> {
    const conv = await this.reserveConversation(key, id);
    if (!conv.ok) return conv;
    const app = await this.reserveApp(id);
    if (!app.ok) await this.cancelConversation(key, id);
    return app;
  }

  /**
   * The conversation's part of a reservation (one request at a time per conversation, and its
   * windows). The sender takes it first and then waits for app-wide room, so that the moment
   * a slot frees up only one write stands between it and the request.
   */
  async reserveConversation(key: string, id: string): Promise<ReserveResult> {
    const t = this.wall();
    const conv = await this.cas(convScope(key), (doc) =>
      this.tryAdd(doc, this.limits.perConversation, id, t, true),
    );
    return conv === true ? { ok: true } : { ok: false, retryAt: conv, scope: 'conversation' };
  }

  /** The app-wide part of a reservation. */
  async reserveApp(id: string): Promise<ReserveResult> {
    const t = this.wall();
    const app = await this.cas(APP_SCOPE, (doc) => this.tryAdd(doc, this.limits.appWide, id, t));
    return app === true ? { ok: true } : { ok: false, retryAt: app, scope: 'app' };
  }

  /** Gives a conversation reservation back (its request will not go now). */
  async cancelConversation(key: string, id: string): Promise<void> {
    this.note(convScope(key), id, { outcome: 'not_sent', at: this.wall() });
    await this.cas(convScope(key), () => true);
  }

  /**
   * Records how a reserved request ended. A 429 blocks the conversation for Retry-After in the
   * store at once, so every instance honours it; other outcomes are published lazily.
   */
  async finish(
    key: string,
    id: string,
    outcome: SendOutcome,
    retryAfterMs?: number,
    /** When Teams' answer arrived, if known (never later than now). */
    answeredAt?: number,
  ): Promise<void> {
    const at = Math.min(answeredAt ?? Number.POSITIVE_INFINITY, this.wall());
    this.note(APP_SCOPE, id, { outcome, at });
    this.note(convScope(key), id, { outcome, at });
    if (outcome === 'throttled') {
      const until = at + Math.max(0, retryAfterMs ?? 1000);
      await this.cas(convScope(key), (doc) => {
        doc.blockedUntil = Math.max(doc.blockedUntil, until);
        return true;
      });
    }
    this.scheduleFlush();
  }

  /** Blocks every request of the app until `until` (Teams throttled several conversations at once). */
  async blockApp(until: number): Promise<void> {
    await this.cas(APP_SCOPE, (doc) => {
      doc.blockedUntil = Math.max(doc.blockedUntil, until);
      return true;
    });
  }

  /** Publishes completion times not yet written, so other instances stop counting them as in flight. */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      for (const scope of [...this.completions.keys()]) {
        if ((this.completions.get(scope)?.size ?? 0) > 0) await this.cas(scope, () => true, false);
      }
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** Stops the flush timer and publishes what is left. */
  async close(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    await this.flush().catch(() => undefined);
  }

  /** The stored log of a scope (tests and the admin view). */
  async read(key: string | null): Promise<SendWindowDoc | null> {
    return this.col.findOne({ _id: key === null ? APP_SCOPE : convScope(key) });
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flush().catch(() => undefined);
    }, 250);
    this.flushTimer.unref?.();
  }

  private note(scope: string, id: string, c: Completion): void {
    let m = this.completions.get(scope);
    if (!m) {
      m = new Map();
      this.completions.set(scope, m);
    }
    m.set(id, c);
  }

  /**
   * Adds a reservation when every window has room; otherwise returns when to try again. With
   * `exclusive`, one request at a time per conversation (across instances): messages arrive in
   * order, and a request can never already be on its way when Teams answers another one 429.
   */
  private tryAdd(
    doc: SendWindowDoc,
    windows: RateWindow[],
    id: string,
    t: number,
    exclusive = false,
  ): true | number {
    if (doc.blockedUntil > t) return doc.blockedUntil;
    if (exclusive && doc.inflight.some((f) => f.id !== id)) return t + BUSY_RETRY_MS;
    const at = earliestSlot(timesOf(doc), windows, t, this.limits.marginMs);
    if (at > t) return at;
    doc.inflight.push({ id, r: t, u: t + this.inflightMaxMs });
    return true;
  }

  /**
   * Applies this instance's completions, turns expired reservations (a crashed instance's)
   * into sends at their latest possible time, and drops times too old to matter.
   */
  private materialize(doc: SendWindowDoc, t: number, applied: Set<string>): SendWindowDoc {
    const mine = this.completions.get(doc._id);
    const done = [...doc.done];
    const inflight: InFlight[] = [];
    for (const f of doc.inflight) {
      const c = mine?.get(f.id);
      if (c) {
        applied.add(f.id);
        if (c.outcome === 'accepted') done.push(Math.min(c.at, f.u));
        else if (c.outcome === 'unknown') done.push(f.u);
      } else if (f.u <= t) {
        done.push(f.u);
      } else {
        inflight.push(f);
      }
    }
    const keep =
      t -
      longestWindow(doc._id === APP_SCOPE ? this.limits.appWide : this.limits.perConversation) -
      this.limits.marginMs;
    const pruned = done.filter((x) => x > keep).sort((a, b) => a - b);
    return { ...doc, done: pruned, inflight };
  }

  /**
   * Reads (or uses the cached) log, lets `decide` change it, and writes it back only if nobody
   * changed it meanwhile; retries on a conflict. Returns true, or the retry time `decide` gave.
   */
  private async cas(
    scope: string,
    decide: (doc: SendWindowDoc) => true | number,
    /** False when there is nothing to record unless the log exists (publishing completions). */
    create = true,
  ): Promise<true | number> {
    let fromCache = true;
    for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
      const t = this.wall();
      let base = fromCache ? this.cache.get(scope) : undefined;
      if (!base) {
        base = (await this.col.findOne({ _id: scope })) ?? undefined;
        fromCache = false;
        if (base) this.remember(scope, base);
      }
      if (!base && !create) {
        // The log is gone (a person's erasure removed it): its reservations went with it.
        this.completions.delete(scope);
        return true;
      }
      const applied = new Set<string>();
      const doc = base
        ? this.materialize(base, t, applied)
        : { _id: scope, rev: 0, done: [], inflight: [], blockedUntil: 0, updatedAt: '' };
      const verdict = decide(doc);
      if (verdict !== true && fromCache) {
        // The cache may be stale in the pessimistic direction: confirm against the store.
        fromCache = false;
        continue;
      }
      if (verdict !== true && applied.size === 0) return verdict;
      const next: SendWindowDoc = {
        ...doc,
        rev: doc.rev + 1,
        updatedAt: new Date(t).toISOString(),
      };
      let written: SendWindowDoc | null = null;
      if (!base) {
        try {
          await this.col.insertOne(next);
          written = next;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      } else {
        written = await this.col.findOneAndUpdate(
          { _id: scope, rev: base.rev },
          {
            $set: {
              rev: next.rev,
              done: next.done,
              inflight: next.inflight,
              blockedUntil: next.blockedUntil,
              updatedAt: next.updatedAt,
            },
          },
        );
      }
      if (!written) {
        this.cache.delete(scope);
        fromCache = false;
        continue;
      }
      this.remember(scope, written);
      const mine = this.completions.get(scope);
      if (mine) {
        for (const id of applied) mine.delete(id);
        // Completions of requests whose reservation is gone (expired, or never written) are done.
        for (const [id] of mine) if (!written.inflight.some((f) => f.id === id)) mine.delete(id);
        if (mine.size === 0) this.completions.delete(scope);
      }
      return verdict;
    }
    throw new Error(`send window ${scope}: too many concurrent writers`);
  }

  private remember(scope: string, doc: SendWindowDoc): void {
    if (this.cache.size >= MAX_CACHED && !this.cache.has(scope)) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.delete(scope);
    this.cache.set(scope, doc);
  }
}

/** All upper bounds of a log, ascending: finished sends and reservations still in flight. */
function timesOf(doc: SendWindowDoc): number[] {
  if (doc.inflight.length === 0) return doc.done;
  return [...doc.done, ...doc.inflight.map((f) => f.u)].sort((a, b) => a - b);
}
