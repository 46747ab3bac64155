import { timingSafeEqual } from 'node:crypto';
import { Activity, TurnContext } from 'botbuilder';
import { BotFrameworkAuthentication } from 'botframework-connector';
import restify from 'restify';
import { refusalCard } from '../cards/common-cards';
import { invokeAnswerJson } from '../cards/render';
import type { TurnAnswer } from '../services/activities/processed-activities';
import { strings } from '../cards/strings';
import { AppConfig, isAllowedServiceUrl } from '../services/config/config';
import type { Logger } from '../services/logging/logger';
import { createTurnLogger, TURN_FAILED_KEY, TURN_LOG_KEY } from '../services/logging/turn-logger';
import { observeConnectorThrottles } from '../services/metrics/connector-throttles';
import {
  Metrics,
  metrics as defaultMetrics,
  RejectReason,
  TurnOutcome,
  turnType,
} from '../services/metrics/metrics';
import { Services } from '../services/services';
import { localeOf } from '../services/shared/actor';
import { BotAdapter } from './adapter';
import { ProjektkontoretBot } from './projektkontoret-bot';
import { isStoreUnavailable, storeOutageText } from './store-outage';
import { tenantOf } from './turn';
import { VERB_TABLE } from './verbs';

export interface ServerDeps {
  config: AppConfig;
  services: Services;
  adapter: BotAdapter;
  auth: BotFrameworkAuthentication;
  bot: ProjektkontoretBot;
  log: Logger;
  senderRunning: () => boolean;
  /** Defaults to the process-wide metrics. */
  metrics?: Metrics;
}

/** Largest accepted request body; Teams activities are far smaller (cards stay under 80 KB). */
export const MAX_BODY_BYTES = 256 * 1024;
/** Deepest accepted JSON nesting; Teams activities nest about ten levels. */
export const MAX_JSON_DEPTH = 48;

const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * Headers on every answer: JSON only, never cached, never framed, no referrer, nothing to run.
 * `Strict-Transport-Security` is added when the request came over https (directly or through
 * a TLS-terminating front such as App Service, which sets X-Forwarded-Proto).
 */
const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Content-Security-Policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
const HSTS = 'max-age=31536000; includeSubDomains';

/** True when nesting of arrays/objects in `value` exceeds `max` (iterative: no stack to blow). */
function deeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(v as Record<string, unknown>)) {
      if (child && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** True when each named field of `o` is absent (undefined, or null when allowed) or of the given type. */
function fieldsAre(
  o: Record<string, unknown>,
  type: 'string' | 'boolean',
  names: string[],
  allowNull = true,
): boolean {
  return names.every(
    (n) => o[n] === undefined || (allowNull && o[n] === null) || typeof o[n] === type,
  );
}

/**
 * The smallest shape an activity must have before anything else looks at it. Besides the
 * fields the bot reads, it checks those botbuilder copies into the reply (the accounts, the
 * conversation, channelId, replyToId): a wrong type there would make every reply fail to
 * serialise, so the user would get no answer at all.
 */
/** Sends a turn's answer: its JSON text as is (not formatted again), or only the status. */
function sendAnswer(res: restify.Response, answer: TurnAnswer): void {
  if (answer.json === undefined) {
    res.send(answer.status);
    return;
  }
  res.setHeader('Content-Type', 'application/json');
  res.sendRaw(answer.status, answer.json);
}

function isActivityShaped(body: unknown): body is Activity {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const a = body as Record<string, unknown>;
  if (typeof a.type !== 'string' || a.type.length > 64) return false;
  if (
    !fieldsAre(a, 'string', ['id', 'serviceUrl', 'text', 'channelId', 'replyToId', 'name'], false)
  )
    return false;
  if (!fieldsAre(a, 'string', ['locale'])) return false;
  for (const k of ['from', 'recipient', 'conversation']) {
    if (a[k] !== undefined && (a[k] === null || typeof a[k] !== 'object' || Array.isArray(a[k])))
      return false;
  }
  for (const k of ['from', 'recipient']) {
    const account = a[k] as Record<string, unknown> | undefined;
    if (account && !fieldsAre(account, 'string', ['id', 'name', 'aadObjectId', 'role']))
      return false;
  }
  const conv = a.conversation as Record<string, unknown> | undefined;
  if (
    conv &&
    !(
      fieldsAre(conv, 'string', ['id', 'name', 'conversationType', 'tenantId', 'role']) &&
      fieldsAre(conv, 'boolean', ['isGroup'])
    )
  ) {
    return false;
  }
  return !deeperThan(body, MAX_JSON_DEPTH);
}

/** True when the request reached us over TLS, directly or via a TLS-terminating proxy. */
function cameOverHttps(req: restify.Request): boolean {
  if (req.isSecure()) return true;
  const forwarded = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)
    ?.split(',')[0]
    ?.trim()
    .toLowerCase();
  return first === 'https';
}

/** Constant-time comparison of a presented bearer token with the configured one. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The refusal card an invoke gets when its turn failed: always a card, never a 5xx. */
function errorCardResponse(activity: Partial<Activity>): {
  statusCode: number;
  type: string;
  value: unknown;
} {
  const locale = localeOf(activity.locale);
  return {
    statusCode: 200,
    type: CARD_CONTENT_TYPE,
    value: refusalCard(locale, strings(locale).refusals.error),
  };
}

/** The label for an invoke's verb: a verb the bot knows, or `unknown` (keeps the label set small). */
function verbLabel(activity: Partial<Activity>): string {
  const verb = (activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
  return typeof verb === 'string' && VERB_TABLE.has(verb) ? verb : 'unknown';
}

const REJECT_BY_STATUS: Record<number, RejectReason> = {
  400: 'invalid_json',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/**
 * The HTTP face of the bot: POST /api/messages for Teams, GET /healthz and /readyz for the
 * platform, GET /metrics (Prometheus) for operations.
 */
export function createServer(deps: ServerDeps): restify.Server {
  const { config, services, adapter, auth, bot, log } = deps;
  const metrics = deps.metrics ?? defaultMetrics;
  observeConnectorThrottles(metrics);
  // An empty name: restify then sends no `Server` header naming the software.
  const server = restify.createServer({ name: '', handleUncaughtExceptions: false });

  server.pre((req, res, next) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (cameOverHttps(req)) res.setHeader('Strict-Transport-Security', HSTS);
    res.removeHeader('Server');
    res.removeHeader('X-Powered-By');
    next();
  });

  // Refuse what the body parser should never see: too large (by declaration), compressed, not JSON.
  server.use((req, res, next) => {
    if (req.method !== 'POST') return next();
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      metrics.rejectedRequests.inc({ reason: 'payload_too_large' });
      res.setHeader('Connection', 'close');
      res.send(413, { error: 'payload too large', maxBytes: MAX_BODY_BYTES });
      return next(false);
    }
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      // restify would gunzip without limit on the inflated size: refuse compressed bodies.
      metrics.rejectedRequests.inc({ reason: 'unsupported_media_type' });
      res.send(415, { error: 'content encoding not supported' });
      return next(false);
    }
    if (req.headers['content-type'] !== undefined && req.getContentType() !== 'application/json') {
      metrics.rejectedRequests.inc({ reason: 'unsupported_media_type' });
      res.send(415, { error: 'send application/json' });
      return next(false);
    }
    return next();
  });
  server.use(
    restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, mapFiles: false }),
  );

  server.post('/api/messages', async (req, res) => {
    const body: unknown = req.body;
    if (!isActivityShaped(body)) {
      metrics.rejectedRequests.inc({ reason: 'not_activity' });
      res.send(400, { error: 'not an activity' });
      return;
    }
    const activity = body;
    const type = turnType(activity.type);
    const turn = createTurnLogger(log, {
      activityId: activity.id,
      conversationId: activity.conversation?.id,
      type,
    });
    const tlog = turn.log;
    const count = (outcome: TurnOutcome): void => {
      metrics.turns.inc({ type, outcome });
    };

    const authHeader = req.headers.authorization ?? '';
    let authResult;
    try {
      authResult = await auth.authenticateRequest(activity, authHeader);
    } catch (err) {
      // botbuilder answers a forged signature with a 500; every auth failure is a 401 here.
      metrics.authFailures.inc({ reason: authHeader ? 'invalid_token' : 'missing_token' });
      tlog.warn({ err: (err as Error).message }, 'rejected unauthenticated request');
      res.send(401, { error: 'unauthorized' });
      return;
    }
    const tenant = tenantOf(activity);
    if (config.allowedTenants.length > 0 && (!tenant || !config.allowedTenants.includes(tenant))) {
      count('ignored_tenant');
      tlog.warn({ tenant }, 'ignored activity from a tenant that is not allowed');
      res.send(200);
      return;
    }
    if (
      config.appId &&
      (!activity.serviceUrl ||
        !isAllowedServiceUrl(activity.serviceUrl, config.serviceUrlAllowList))
    ) {
      count('ignored_service_url');
      tlog.warn(
        { serviceUrl: String(activity.serviceUrl ?? '').slice(0, 200) },
        'ignored activity whose serviceUrl is not a Teams host',
      );
      res.send(200);
      return;
    }

    const started = process.hrtime.bigint();
    const observeInvoke = (outcome: TurnOutcome): void => {
      if (activity.type !== 'invoke') return;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.invokeDuration.observe({ verb: verbLabel(activity), outcome }, seconds);
    };
    const key =
      activity.id && activity.conversation?.id
        ? `${activity.conversation.id}|${activity.id}`
        : null;
    let claimed = false;
    try {
      if (key) {
        const claim = await services.processed.claim(key, services.clock());
        if (claim.kind !== 'claimed') {
          const outcome = claim.kind === 'duplicate' ? 'duplicate' : 'in_progress';
          count(outcome);
          tlog.info({ kind: claim.kind }, 'duplicate activity ignored');
          const stored = claim.kind === 'duplicate' ? claim.response : undefined;
          // The first delivery's writes may still be on their way to the disk.
          await services.store.durable();
          sendAnswer(res, stored ?? { status: 200 });
          return;
        }
        claimed = true;
      }

      let failed = false;
      const invoke = await adapter.runAuthenticated(
        authResult,
        activity,
        async (context: TurnContext) => {
          context.turnState.set(TURN_LOG_KEY, tlog);
          try {
            await bot.run(context);
          } catch (err) {
            // The adapter's onTurnError answers the user; here the turn is only marked failed.
            failed = true;
            throw err;
          } finally {
            if (context.turnState.get(TURN_FAILED_KEY)) failed = true;
          }
        },
      );
      let status = invoke?.status ?? 200;
      let responseBody = invoke?.body;
      if (activity.type === 'invoke' && status >= 500) {
        failed = true;
        status = 200;
        responseBody = errorCardResponse(activity);
      }
      // Serialized once: the same text is sent and kept for a redelivery.
      const answer: TurnAnswer = {
        status,
        json: responseBody !== undefined ? invokeAnswerJson(responseBody) : undefined,
      };
      if (key) await services.processed.complete(key, invoke ? answer : null);
      // Nothing the turn wrote is reported saved before it is on disk: one wait for the turn's
      // writes together (and those of every turn of the same moment), not one for each.
      await services.store.durable();
      const outcome = failed ? 'error' : 'ok';
      count(outcome);
      observeInvoke(outcome);
      tlog.info(
        { outcome, status, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'turn finished',
      );
      sendAnswer(res, answer);
    } catch (err) {
      count('error');
      observeInvoke('error');
      tlog.error({ err }, 'turn failed');
      if (claimed && key) await services.processed.release(key).catch(() => undefined);
      const outage = isStoreUnavailable(err);
      if (outage && claimed && activity.type === 'invoke') {
        // A write of the turn failed (and was rolled back): the card says nothing new was saved.
        const locale = localeOf(activity.locale);
        res.send(200, { statusCode: 200, type: CARD_CONTENT_TYPE, value: refusalCard(locale, storeOutageText(locale)) });
        return;
      }
      if (outage && !claimed) {
        // The database is down before the turn could start: nothing ran, nothing was saved.
        // The user is told to try again shortly (Teams does not redeliver reliably, and a late
        // redelivery would act on something the user has already been told to repeat).
        const locale = localeOf(activity.locale);
        if (activity.type === 'invoke') {
          res.send(200, { statusCode: 200, type: CARD_CONTENT_TYPE, value: refusalCard(locale, storeOutageText(locale)) });
          return;
        }
        if (activity.type === 'message') {
          await adapter
            .runAuthenticated(authResult, activity, async (context) => {
              await context.sendActivity(storeOutageText(locale));
            })
            .catch((e: unknown) => tlog.warn({ err: e }, 'outage notice not sent'));
        }
        res.send(200);
        return;
      }
      if (activity.type === 'invoke') res.send(200, errorCardResponse(activity));
      else if (!claimed && key) res.send(503, { error: 'try again' });
      else res.send(200);
    }
  });

  // Liveness: the process answers. The store's state is reported, and gates /readyz instead,
  // so an unreachable database takes the instance out of rotation without restart loops.
  server.get('/healthz', async (_req, res) => {
    const storeOk = await services.store.ping();
    res.send(200, {
      status: storeOk ? 'ok' : 'degraded',
      store: { kind: services.store.kind, ok: storeOk },
    });
  });

  server.get('/readyz', async (_req, res) => {
    const storeOk = await services.store.ping();
    const senderOk = deps.senderRunning();
    const ready = storeOk && senderOk;
    res.send(ready ? 200 : 503, { ready, store: storeOk, sender: senderOk });
  });

  if (config.metricsEnabled) {
    server.get('/metrics', async (req, res) => {
      if (config.metricsToken && !bearerMatches(req.headers.authorization, config.metricsToken)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        res.send(401, { error: 'unauthorized' });
        return;
      }
      try {
        metrics.setOutboxQueue(await services.outbox.counts());
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'outbox queue gauge not refreshed');
      }
      const { contentType, body } = await metrics.render();
      res.writeHead(200, { 'Content-Type': contentType });
      res.end(body);
    });
  }

  server.on('restifyError', (req, res, err, cb) => {
    if (req.method === 'POST' && req.getPath() === '/api/messages') {
      const status = (err as { statusCode?: number }).statusCode ?? 0;
      metrics.rejectedRequests.inc({ reason: REJECT_BY_STATUS[status] ?? 'other' });
    }
    log.warn({ err: err.message, url: req.url?.slice(0, 200) }, 'request error');
    return cb();
  });
  return server;
}
