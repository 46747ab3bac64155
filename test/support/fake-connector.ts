/**
 * A local stand-in for the Bot Connector REST API v3 (as Teams exposes it), so integration
 * tests can run a real botbuilder bot with `serviceUrl` pointing here and inspect every call.
 *
 * Listens on 127.0.0.1 with a random port. `url` (with a trailing slash, like Teams' own
 * serviceUrls) is what test activities should carry as `serviceUrl`.
 *
 * Answers: send/reply → 200 {id}; update → 200 {id}; delete → 200; create conversation →
 * 201 {id: `${channelId};messageid=${activityId}`, activityId} for channel threads, or
 * {id: 'a:fake-…', activityId?} for 1:1; member routes from `setRoster` (a channel thread id
 * `…;messageid=N` falls back to the channel's roster; a member is found by `id` or
 * `aadObjectId`), otherwise 404 `MemberNotFound` (member lookups) or `ConversationNotFound`
 * (member lists); team routes from `setTeam`/`setRoster`, otherwise 404 `TeamNotFound`;
 * anything else 404 `BadSyntax`. The Authorization header is recorded, never checked.
 *
 * Rate limits (`enforceTeamsLimits`): only requests that were accepted count towards the
 * sliding windows; a request that would exceed a window gets 429 + `Retry-After` (whole
 * seconds, ≥ 1, long enough for the window to have room again). See `violations` for what
 * counts as ignoring Retry-After.
 *
 * Beware when writing reliability tests: botbuilder's ConnectorClient (core-rest-pipeline
 * default retry policy) already retries up to 3 times by itself on 5xx (not 501/505), 408,
 * connection resets, and on 429/503 WITH a Retry-After header (waiting that long). A 429
 * without Retry-After and other 4xx are not retried by the SDK.
 */
import { randomUUID } from 'node:crypto';
import http, { IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';

/** What a recorded call was, derived from method + path. */
export type CallKind =
  | 'send'
  | 'reply'
  | 'update'
  | 'delete'
  | 'createConversation'
  | 'getMembers'
  | 'getMember'
  | 'getPagedMembers'
  | 'getTeamChannels'
  | 'getTeamDetails'
  | 'unknown';

/** A roster entry as tests describe a Teams user; answered in Teams' TeamsChannelAccount shape. */
export interface RosterMember {
  id: string;
  aadObjectId: string;
  name: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
  givenName?: string;
  surname?: string;
  userRole?: 'user' | 'guest' | 'owner';
}

/** Team details and channels for GET /v3/teams/:teamId and /v3/teams/:teamId/conversations. */
export interface FakeTeam {
  name?: string;
  aadGroupId?: string;
  /** Defaults to one channel, General, whose id equals the team id (as in Teams). */
  channels?: { id: string; name?: string }[];
}

/** One HTTP request the fake connector received, with what it answered. */
export interface RecordedCall {
  seq: number;
  /** Date.now() when the request body had been read. */
  at: number;
  method: string;
  /** Decoded path without query string, e.g. `/v3/conversations/a:1/activities`. */
  path: string;
  query: Record<string, string>;
  kind: CallKind;
  /** Decoded conversation id from the path (for team routes: the team id). */
  conversationId?: string;
  /** Activity id from the path (the replyToId for replies, the updated/deleted id). */
  activityId?: string;
  memberId?: string;
  /** Parsed JSON body (undefined for GET/DELETE). */
  body: unknown;
  /** The activity the bot sent (send/reply/update body, or createConversation's `activity`). */
  activity?: Partial<Activity>;
  /** Raw `Authorization` header, recorded but never checked. */
  authorization?: string;
  headers: IncomingHttpHeaders & { authorization?: string };
  /** Status code answered (0 while pending or when the socket was destroyed on purpose). */
  status: number;
  /** True once answered (or deliberately dropped by a `networkError` failure). */
  answered: boolean;
  responseBody: unknown;
  /** The id the connector assigned (send/reply/createConversation). */
  assignedId?: string;
  /** Set when this call got a 429 from the Teams rate-limit enforcer. */
  throttled?: ThrottleEvent;
}

/** Matches requests for failure injection: a kind, a predicate or a partial description. */
export type CallMatcher =
  | CallKind
  | ((call: RecordedCall) => boolean)
  | { kind?: CallKind; method?: string; conversationId?: string; path?: string | RegExp };

/** What an injected failure does. */
export interface FailureSpec {
  /** HTTP status to answer, e.g. 429, 500, 503. Ignored with `networkError`. */
  status?: number;
  /** Sent as the `Retry-After` header (seconds). */
  retryAfterSeconds?: number;
  /** Wait this long before answering (on top of `latencyMs`); use for client timeouts. */
  delayMs?: number;
  /** How many matching requests get this failure (default 1). */
  times?: number;
  /** Destroy the socket without an answer (connection reset) instead of sending a status. */
  networkError?: boolean;
  /** JSON body to answer; defaults to `{error:{code, message}}`. */
  body?: unknown;
}

/** A sliding window: at most `limit` requests per `windowMs`. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/** Options for the Teams rate-limit enforcer. */
export interface TeamsLimitOptions {
  /** Per conversation (thread). Default: 7/1 s, 8/2 s, 60/30 s, 1800/3600 s. */
  perConversation?: RateWindow[];
  /** Across all conversations for the app. Default: 50/1 s. */
  appWide?: RateWindow[];
  /** Which call kinds count. Default: send, reply, update, delete, createConversation. */
  countedKinds?: CallKind[];
}

/** One 429 answered by the enforcer (or an injected 429 with Retry-After). */
export interface ThrottleEvent {
  at: number;
  /** `app` for the app-wide window, otherwise the conversation key. */
  scope: string;
  window?: RateWindow;
  retryAfterSeconds: number;
  /** True when the request arrived while a previously sent Retry-After was still running. */
  violation: boolean;
}

/** Options of {@link startFakeConnector}. */
export interface FakeConnectorOptions {
  /** Delay every answer by this many ms (changeable later through `latencyMs`). */
  latencyMs?: number;
  /** Enable Teams-like throttling (see {@link TeamsLimitOptions}). */
  enforceTeamsLimits?: boolean | TeamsLimitOptions;
  /**
   * How long an idle keep-alive connection stays open (Node's default is 5 s; Azure's front ends
   * keep them minutes). A client that reuses a connection the server is closing sees a reset.
   */
  keepAliveTimeoutMs?: number;
}

/** Handle on a running fake Bot Connector. */
export interface FakeConnector {
  /** Base url with trailing slash, to be used as the activities' serviceUrl. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order (including failed and throttled ones). */
  readonly calls: RecordedCall[];
  /** Global latency added to every answer, in ms. */
  latencyMs: number;
  /** Number of 429s answered by the enforcer or by injected 429s. */
  readonly throttled: number;
  /**
   * Requests that arrived for a scope (a conversation, or the whole app for the app-wide
   * window) while a Retry-After this connector had sent for that scope was still running,
   * i.e. the sender ignored Retry-After. A sender that never probes sees 0 throttled and
   * 0 violations; one that probes and then honours Retry-After may see throttled > 0 but
   * still 0 violations. Violating requests are themselves answered 429 and counted in
   * `throttled` too. Injected 429s with `retryAfterSeconds` also open such a period.
   */
  readonly violations: number;
  readonly throttleEvents: ThrottleEvent[];
  /** Calls with 2xx status that sent or replied an activity. */
  sent(): RecordedCall[];
  /** Calls with 2xx status that updated an activity. */
  updates(): RecordedCall[];
  /** Calls with 2xx status that created a conversation (1:1 or channel thread). */
  created(): RecordedCall[];
  /** Members answered for a conversation id or team id; replaces any earlier roster for it. */
  setRoster(conversationOrTeamId: string, members: RosterMember[]): void;
  /** Team details and channel list for a team id. */
  setTeam(teamId: string, team: FakeTeam): void;
  /** Make the next `times` matching requests fail as described. */
  failNext(match: CallMatcher, spec: FailureSpec): void;
  /**
   * Resolves with the first call (already received or arriving) that satisfies `predicate`;
   * rejects after `timeoutMs` listing every call seen.
   */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Resolves once `predicate(calls)` is true; rejects after `timeoutMs` listing the calls. */
  waitUntil(predicate: (calls: RecordedCall[]) => boolean, timeoutMs?: number): Promise<void>;
  /** One line per call, for assertion messages. */
  describeCalls(): string;
  /** Forget calls (seq restarts at 1), pending failures and throttle state; keeps rosters/teams unless asked. */
  reset(options?: { rosters?: boolean }): void;
  stop(): Promise<void>;
}

const DEFAULT_PER_CONVERSATION: RateWindow[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1800, windowMs: 3_600_000 },
];
const DEFAULT_APP_WIDE: RateWindow[] = [{ limit: 50, windowMs: 1_000 }];
const DEFAULT_COUNTED: CallKind[] = ['send', 'reply', 'update', 'delete', 'createConversation'];

export interface Route {
  kind: CallKind;
  conversationId?: string;
  activityId?: string;
  memberId?: string;
}

interface PendingFailure {
  match: CallMatcher;
  spec: FailureSpec;
  remaining: number;
}

/** Splits `/v3/...` into a route; path segments are URL-decoded (ids contain `:;@`). Shared with the demo's connector (scripts/demo-server.ts). */
export function route(method: string, rawPath: string): Route {
  const seg = rawPath
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => decodeURIComponent(s));
  if (seg[0] !== 'v3') return { kind: 'unknown' };
  if (seg[1] === 'conversations') {
    const [, , cid, sub, id, extra] = seg;
    if (cid === undefined)
      return method === 'POST' ? { kind: 'createConversation' } : { kind: 'unknown' };
    if (sub === 'activities' && extra === undefined) {
      if (id === undefined)
        return method === 'POST' ? { kind: 'send', conversationId: cid } : { kind: 'unknown' };
      if (method === 'POST') return { kind: 'reply', conversationId: cid, activityId: id };
      if (method === 'PUT') return { kind: 'update', conversationId: cid, activityId: id };
      if (method === 'DELETE') return { kind: 'delete', conversationId: cid, activityId: id };
    }
    if (sub === 'members' && method === 'GET' && extra === undefined) {
      return id === undefined
        ? { kind: 'getMembers', conversationId: cid }
        : { kind: 'getMember', conversationId: cid, memberId: id };
    }
    if (sub === 'pagedmembers' && method === 'GET' && id === undefined) {
      return { kind: 'getPagedMembers', conversationId: cid };
    }
    return { kind: 'unknown', conversationId: cid };
  }
  if (seg[1] === 'teams' && method === 'GET' && seg[2] !== undefined) {
    if (seg.length === 3) return { kind: 'getTeamDetails', conversationId: seg[2] };
    if (seg.length === 4 && seg[3] === 'conversations') {
      return { kind: 'getTeamChannels', conversationId: seg[2] };
    }
  }
  return { kind: 'unknown' };
}

function matches(m: CallMatcher, call: RecordedCall): boolean {
  if (typeof m === 'string') return call.kind === m;
  if (typeof m === 'function') return m(call);
  if (m.kind !== undefined && m.kind !== call.kind) return false;
  if (m.method !== undefined && m.method.toUpperCase() !== call.method) return false;
  if (m.conversationId !== undefined && m.conversationId !== call.conversationId) return false;
  if (m.path !== undefined) {
    if (typeof m.path === 'string' ? m.path !== call.path : !m.path.test(call.path)) return false;
  }
  return true;
}

export function toTeamsAccount(m: RosterMember): Record<string, unknown> {
  const [givenName, ...rest] = m.name.split(' ');
  return {
    id: m.id,
    name: m.name,
    aadObjectId: m.aadObjectId,
    objectId: m.aadObjectId,
    givenName: m.givenName ?? givenName,
    surname: m.surname ?? (rest.join(' ') || undefined),
    email: m.email,
    userPrincipalName: m.userPrincipalName ?? m.email,
    tenantId: m.tenantId,
    userRole: m.userRole ?? 'user',
  };
}

function summarize(c: RecordedCall): string {
  const a = c.activity;
  let what = '';
  if (a) {
    const text = typeof a.text === 'string' ? JSON.stringify(a.text.slice(0, 80)) : '';
    const atts = (a.attachments ?? []).map((x) => x.contentType).join(',');
    what = ` ${a.type ?? '?'}${text ? ' ' + text : ''}${atts ? ' [' + atts + ']' : ''}`;
  }
  return `#${c.seq} ${c.method} ${c.path} -> ${c.status} (${c.kind})${what}`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts a fake Bot Connector on 127.0.0.1 with a random port. */
export async function startFakeConnector(
  options: FakeConnectorOptions = {},
): Promise<FakeConnector> {
  const calls: RecordedCall[] = [];
  const rosters = new Map<string, RosterMember[]>();
  const teams = new Map<string, FakeTeam>();
  let failures: PendingFailure[] = [];
  const listeners = new Set<() => void>();
  const limits: Required<TeamsLimitOptions> | undefined = options.enforceTeamsLimits
    ? {
        perConversation:
          (typeof options.enforceTeamsLimits === 'object' &&
            options.enforceTeamsLimits.perConversation) ||
          DEFAULT_PER_CONVERSATION,
        appWide:
          (typeof options.enforceTeamsLimits === 'object' && options.enforceTeamsLimits.appWide) ||
          DEFAULT_APP_WIDE,
        countedKinds:
          (typeof options.enforceTeamsLimits === 'object' &&
            options.enforceTeamsLimits.countedKinds) ||
          DEFAULT_COUNTED,
      }
    : undefined;
  /** Accepted request timestamps per scope ('app' or conversation key). */
  let accepted = new Map<string, number[]>();
  /** Until when a Retry-After we sent for a scope is running. */
  let blockedUntil = new Map<string, number>();
  let throttleEvents: ThrottleEvent[] = [];
  let seq = 0;
  let idCounter = 0;
  const idBase = Date.now();
  const newId = () => String(idBase + ++idCounter);

  /** Roster for an id; a channel thread id (`...;messageid=N`) falls back to its channel. */
  const rosterFor = (id: string): RosterMember[] | undefined =>
    rosters.get(id) ?? rosters.get(id.split(';')[0]);

  const notify = () => listeners.forEach((l) => l());

  /** The conversation a call counts against: the thread root for channel ids. */
  const scopeKey = (call: RecordedCall): string | undefined => {
    if (call.kind === 'createConversation') {
      const b = call.body as { channelData?: { channel?: { id?: string } } } | undefined;
      return b?.channelData?.channel?.id;
    }
    return call.conversationId;
  };

  /** Retry-After for `scope` if one more request would exceed a window, else undefined. */
  const overLimit = (
    scope: string,
    windows: RateWindow[],
    now: number,
  ): { window: RateWindow; retryAfterSeconds: number } | undefined => {
    const times = accepted.get(scope) ?? [];
    for (const w of windows) {
      const inWindow = times.filter((t) => t > now - w.windowMs);
      if (inWindow.length >= w.limit) {
        const oldestThatMustExpire = inWindow[inWindow.length - w.limit];
        const waitMs = oldestThatMustExpire + w.windowMs - now;
        return { window: w, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
      }
    }
    return undefined;
  };

  /** Applies the enforcer; returns the throttle event when the call must get a 429. */
  const enforce = (call: RecordedCall): ThrottleEvent | undefined => {
    const now = call.at;
    const conv = scopeKey(call);
    const scopes = ['app', ...(conv ? [conv] : [])];
    const counted = limits?.countedKinds ?? DEFAULT_COUNTED;
    if (!counted.includes(call.kind)) return undefined;
    const violation = scopes.some((s) => (blockedUntil.get(s) ?? 0) > now);
    if (!limits) {
      if (!violation) return undefined;
      const scope = scopes.find((s) => (blockedUntil.get(s) ?? 0) > now) as string;
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil(((blockedUntil.get(scope) ?? now) - now) / 1000),
      );
      return { at: now, scope, retryAfterSeconds, violation: true };
    }
    const checks: [string, RateWindow[]][] = [['app', limits.appWide]];
    if (conv) checks.push([conv, limits.perConversation]);
    for (const [scope, windows] of checks) {
      const over = overLimit(scope, windows, now);
      if (over) {
        const until = now + over.retryAfterSeconds * 1000;
        blockedUntil.set(scope, Math.max(blockedUntil.get(scope) ?? 0, until));
        return {
          at: now,
          scope,
          window: over.window,
          retryAfterSeconds: over.retryAfterSeconds,
          violation,
        };
      }
    }
    if (violation) {
      // Under the windows again but Retry-After still running: refuse as Teams would keep doing.
      const scope = scopes.find((s) => (blockedUntil.get(s) ?? 0) > now) as string;
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil(((blockedUntil.get(scope) ?? now) - now) / 1000),
      );
      return { at: now, scope, retryAfterSeconds, violation: true };
    }
    for (const [scope] of checks) {
      const list = accepted.get(scope) ?? [];
      list.push(now);
      const longest = Math.max(
        ...(scope === 'app' ? limits.appWide : limits.perConversation).map((w) => w.windowMs),
      );
      while (list.length > 0 && list[0] <= now - longest) list.shift();
      accepted.set(scope, list);
    }
    return undefined;
  };

  const answer = (call: RecordedCall): { status: number; body: unknown } => {
    switch (call.kind) {
      case 'send':
      case 'reply': {
        call.assignedId = newId();
        return { status: 200, body: { id: call.assignedId } };
      }
      case 'update':
        return { status: 200, body: { id: call.activityId } };
      case 'delete':
        return { status: 200, body: {} };
      case 'createConversation': {
        const b = (call.body ?? {}) as {
          channelData?: { channel?: { id?: string } };
          activity?: unknown;
        };
        const channelId = b.channelData?.channel?.id;
        const activityId = newId();
        call.assignedId = activityId;
        if (channelId) {
          return { status: 201, body: { id: `${channelId};messageid=${activityId}`, activityId } };
        }
        const id = `a:fake-${randomUUID()}`;
        return { status: 201, body: b.activity ? { id, activityId } : { id } };
      }
      case 'getMembers': {
        const roster = rosterFor(call.conversationId as string);
        if (!roster) return notFound('ConversationNotFound', call.conversationId);
        return { status: 200, body: roster.map(toTeamsAccount) };
      }
      case 'getMember': {
        const roster = rosterFor(call.conversationId as string);
        const m = roster?.find((x) => x.id === call.memberId || x.aadObjectId === call.memberId);
        if (!m) return notFound('MemberNotFound', call.memberId);
        return { status: 200, body: toTeamsAccount(m) };
      }
      case 'getPagedMembers': {
        const roster = rosterFor(call.conversationId as string);
        if (!roster) return notFound('ConversationNotFound', call.conversationId);
        const pageSize = Math.max(1, Number(call.query.pageSize) || 200);
        const start = Number(call.query.continuationToken) || 0;
        const page = roster.slice(start, start + pageSize).map(toTeamsAccount);
        const next = start + pageSize < roster.length ? String(start + pageSize) : undefined;
        return { status: 200, body: { members: page, continuationToken: next } };
      }
      case 'getTeamDetails': {
        const teamId = call.conversationId as string;
        const team = teams.get(teamId);
        if (!team && !rosters.has(teamId)) return notFound('TeamNotFound', teamId);
        return {
          status: 200,
          body: {
            id: teamId,
            name: team?.name ?? `Team ${teamId}`,
            aadGroupId: team?.aadGroupId,
            type: 'standard',
            memberCount: rosters.get(teamId)?.length ?? 0,
            channelCount: team?.channels?.length ?? 1,
          },
        };
      }
      case 'getTeamChannels': {
        const teamId = call.conversationId as string;
        const team = teams.get(teamId);
        if (!team && !rosters.has(teamId)) return notFound('TeamNotFound', teamId);
        const channels = team?.channels ?? [{ id: teamId, name: 'General' }];
        return {
          status: 200,
          body: { conversations: channels.map((c) => ({ ...c, type: 'standard' })) },
        };
      }
      default:
        return {
          status: 404,
          body: {
            error: {
              code: 'BadSyntax',
              message: `Fake connector has no route ${call.method} ${call.path}`,
            },
          },
        };
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const r = route(method, u.pathname);
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    let path = u.pathname;
    try {
      path = decodeURIComponent(u.pathname);
    } catch {
      // keep the raw path
    }
    const call: RecordedCall = {
      seq: ++seq,
      at: Date.now(),
      method,
      path,
      query: Object.fromEntries(u.searchParams.entries()),
      kind: r.kind,
      conversationId: r.conversationId,
      activityId: r.activityId,
      memberId: r.memberId,
      body,
      activity:
        r.kind === 'send' || r.kind === 'reply' || r.kind === 'update'
          ? (body as Partial<Activity>)
          : r.kind === 'createConversation'
            ? ((body as { activity?: Partial<Activity> } | undefined)?.activity ?? undefined)
            : undefined,
      authorization: req.headers.authorization,
      headers: req.headers,
      status: 0,
      answered: false,
      responseBody: undefined,
    };
    calls.push(call);

    let status: number;
    let responseBody: unknown;
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    let extraDelay = 0;
    const failure = failures.find((f) => f.remaining > 0 && matches(f.match, call));
    const throttle = failure ? undefined : enforce(call);
    if (failure) {
      failure.remaining -= 1;
      failures = failures.filter((f) => f.remaining > 0);
      extraDelay = failure.spec.delayMs ?? 0;
      status = failure.spec.status ?? 500;
      responseBody = failure.spec.body ?? {
        error: {
          code: status === 429 ? 'Throttled' : 'ServiceError',
          message: `Injected failure ${status}`,
        },
      };
      if (failure.spec.retryAfterSeconds !== undefined) {
        headers['retry-after'] = String(failure.spec.retryAfterSeconds);
        if (status === 429) {
          const scope = scopeKey(call) ?? 'app';
          const violation = (blockedUntil.get(scope) ?? 0) > call.at;
          const until = call.at + failure.spec.retryAfterSeconds * 1000;
          blockedUntil.set(scope, Math.max(blockedUntil.get(scope) ?? 0, until));
          call.throttled = {
            at: call.at,
            scope,
            retryAfterSeconds: failure.spec.retryAfterSeconds,
            violation,
          };
          throttleEvents.push(call.throttled);
        }
      }
    } else if (throttle) {
      status = 429;
      headers['retry-after'] = String(throttle.retryAfterSeconds);
      responseBody = {
        error: { code: 'Throttled', message: 'Too many requests (fake Teams limit)' },
      };
      call.throttled = throttle;
      throttleEvents.push(throttle);
    } else {
      ({ status, body: responseBody } = answer(call));
    }

    const delay = connector.latencyMs + extraDelay;
    if (delay > 0) await sleep(delay);
    if (failure?.spec.networkError) {
      call.status = 0;
      call.answered = true;
      req.socket.destroy();
      notify();
      return;
    }
    call.status = status;
    call.responseBody = responseBody;
    call.answered = true;
    res.writeHead(status, headers);
    res.end(responseBody === undefined ? '' : JSON.stringify(responseBody));
    notify();
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (options.keepAliveTimeoutMs !== undefined) {
      server.keepAliveTimeout = options.keepAliveTimeoutMs;
      server.headersTimeout = options.keepAliveTimeoutMs + 1_000;
    }
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const ok = (c: RecordedCall) => c.status >= 200 && c.status < 300;
  const describeCalls = () =>
    calls.length === 0 ? '(no calls received)' : calls.map(summarize).join('\n');

  const waitUntil = (predicate: (calls: RecordedCall[]) => boolean, timeoutMs = 5000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (predicate(calls)) {
          done();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `Fake connector: condition not met within ${timeoutMs} ms. Calls seen:\n${describeCalls()}`,
          ),
        );
      }, timeoutMs);
      const poll = setInterval(check, 20);
      const done = () => {
        clearTimeout(timer);
        clearInterval(poll);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const connector: FakeConnector = {
    url: `http://127.0.0.1:${port}/`,
    port,
    calls,
    latencyMs: options.latencyMs ?? 0,
    get throttled() {
      return throttleEvents.length;
    },
    get violations() {
      return throttleEvents.filter((e) => e.violation).length;
    },
    get throttleEvents() {
      return throttleEvents;
    },
    sent: () => calls.filter((c) => (c.kind === 'send' || c.kind === 'reply') && ok(c)),
    updates: () => calls.filter((c) => c.kind === 'update' && ok(c)),
    created: () => calls.filter((c) => c.kind === 'createConversation' && ok(c)),
    setRoster: (id, members) => {
      rosters.set(id, [...members]);
    },
    setTeam: (teamId, team) => {
      teams.set(teamId, team);
    },
    failNext: (match, spec) => {
      failures.push({ match, spec, remaining: spec.times ?? 1 });
    },
    waitFor: async (predicate, timeoutMs = 5000) => {
      let found: RecordedCall | undefined;
      await waitUntil(
        (cs) => (found = cs.find((c) => c.answered && predicate(c))) !== undefined,
        timeoutMs,
      );
      return found as RecordedCall;
    },
    waitUntil,
    describeCalls,
    reset: (opts = {}) => {
      calls.length = 0;
      seq = 0;
      failures = [];
      accepted = new Map();
      blockedUntil = new Map();
      throttleEvents = [];
      if (opts.rosters) {
        rosters.clear();
        teams.clear();
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return connector;
}

function notFound(code: string, what: string | undefined): { status: number; body: unknown } {
  return {
    status: 404,
    body: { error: { code, message: `Fake connector: ${code} (${what ?? '?'})` } },
  };
}
