import { Activity } from 'botbuilder';
import { BotFrameworkAuthentication } from 'botframework-connector';
import restify from 'restify';
import { refusalCard } from '../cards/common-cards';
import { strings } from '../cards/strings';
import { AppConfig, isAllowedServiceUrl } from '../services/config/config';
import type { Logger } from '../services/logging/logger';
import { Services } from '../services/services';
import { localeOf } from '../services/shared/actor';
import { BotAdapter } from './adapter';
import { ProjektkontoretBot } from './projektkontoret-bot';
import { tenantOf } from './turn';

export interface ServerDeps {
  config: AppConfig;
  services: Services;
  adapter: BotAdapter;
  auth: BotFrameworkAuthentication;
  bot: ProjektkontoretBot;
  log: Logger;
  senderRunning: () => boolean;
}

const MAX_BODY_BYTES = 256 * 1024;

/** The smallest shape an activity must have before anything else looks at it. */
function isActivityShaped(body: unknown): body is Activity {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const a = body as Record<string, unknown>;
  if (typeof a.type !== 'string' || a.type.length > 64) return false;
  if (a.id !== undefined && typeof a.id !== 'string') return false;
  if (a.serviceUrl !== undefined && typeof a.serviceUrl !== 'string') return false;
  if (a.text !== undefined && typeof a.text !== 'string') return false;
  if (a.locale !== undefined && a.locale !== null && typeof a.locale !== 'string') return false;
  for (const k of ['from', 'recipient', 'conversation']) {
    if (a[k] !== undefined && (a[k] === null || typeof a[k] !== 'object' || Array.isArray(a[k]))) return false;
  }
  const conv = a.conversation as Record<string, unknown> | undefined;
  if (conv && conv.id !== undefined && typeof conv.id !== 'string') return false;
  const from = a.from as Record<string, unknown> | undefined;
  if (from && ((from.id !== undefined && typeof from.id !== 'string') || (from.aadObjectId !== undefined && typeof from.aadObjectId !== 'string'))) {
    return false;
  }
  return true;
}

/** The HTTP face of the bot: POST /api/messages for Teams, GET /healthz and /readyz for the platform. */
export function createServer(deps: ServerDeps): restify.Server {
  const { config, services, adapter, auth, bot, log } = deps;
  const server = restify.createServer({ name: 'projektkontoret', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, mapFiles: false }));
  server.use((req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  server.post('/api/messages', async (req, res) => {
    const body: unknown = req.body;
    if (!isActivityShaped(body)) {
      res.send(400, { error: 'not an activity' });
      return;
    }
    const activity = body;
    let authResult;
    try {
      authResult = await auth.authenticateRequest(activity, req.headers.authorization ?? '');
    } catch (err) {
      // botbuilder answers a forged signature with a 500; every auth failure is a 401 here.
      log.warn({ err: (err as Error).message }, 'rejected unauthenticated request');
      res.send(401, { error: 'unauthorized' });
      return;
    }
    const tenant = tenantOf(activity);
    if (config.allowedTenants.length > 0 && (!tenant || !config.allowedTenants.includes(tenant))) {
      log.warn({ tenant }, 'ignored activity from a tenant that is not allowed');
      res.send(200);
      return;
    }
    if (config.appId && (!activity.serviceUrl || !isAllowedServiceUrl(activity.serviceUrl, config.serviceUrlAllowList))) {
      log.warn({ serviceUrl: activity.serviceUrl }, 'ignored activity whose serviceUrl is not a Teams host');
      res.send(200);
      return;
    }
    const key = activity.id && activity.conversation?.id ? `${activity.conversation.id}|${activity.id}` : null;
    if (key) {
      const claim = await services.processed.claim(key, services.clock());
      if (claim.kind !== 'claimed') {
        log.info({ key, kind: claim.kind }, 'duplicate activity ignored');
        const stored = claim.kind === 'duplicate' ? (claim.response as { status: number; body: unknown } | null) : null;
        if (stored) res.send(stored.status, stored.body);
        else res.send(200);
        return;
      }
    }
    try {
      const invoke = await adapter.runAuthenticated(authResult, activity, (context) => bot.run(context));
      let status = invoke?.status ?? 200;
      let responseBody = invoke?.body;
      if (activity.type === 'invoke' && status >= 500) {
        const locale = localeOf(activity.locale);
        status = 200;
        responseBody = { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: refusalCard(locale, strings(locale).refusals.error) };
      }
      if (key) await services.processed.complete(key, invoke ? { status, body: responseBody } : null);
      if (responseBody !== undefined) res.send(status, responseBody);
      else res.send(status);
    } catch (err) {
      log.error({ err }, 'turn failed');
      if (key) await services.processed.release(key).catch(() => undefined);
      if (activity.type === 'invoke') {
        const locale = localeOf(activity.locale);
        res.send(200, { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: refusalCard(locale, strings(locale).refusals.error) });
      } else {
        res.send(200);
      }
    }
  });

  server.get('/healthz', async (_req, res) => {
    const storeOk = await services.store.ping();
    res.send(storeOk ? 200 : 503, { status: storeOk ? 'ok' : 'degraded', store: { kind: services.store.kind, ok: storeOk } });
  });

  server.get('/readyz', async (_req, res) => {
    const storeOk = await services.store.ping();
    const senderOk = deps.senderRunning();
    const ready = storeOk && senderOk;
    res.send(ready ? 200 : 503, { ready, store: storeOk, sender: senderOk });
  });

  server.on('restifyError', (req, res, err, cb) => {
    log.warn({ err: err.message, url: req.url }, 'request error');
    return cb();
  });
  return server;
}
