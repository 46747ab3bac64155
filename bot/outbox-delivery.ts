import {
  Activity,
  CardFactory,
  ConversationReference,
  MessageFactory,
  TurnContext,
} from 'botbuilder';
import { ConnectorClient } from 'botframework-connector';
import { renderOutboxCard } from '../cards/outbox-cards';
import { AppConfig, isAllowedServiceUrl } from '../services/config/config';
import {
  channelKey,
  personalKey,
  StoredReference,
} from '../services/conversations/conversation-repository';
import { markOutboxRequest, pipelineRequestId } from '../services/metrics/connector-throttles';
import { OutboxMessage } from '../services/outbox/outbox-repository';
import { Deliver, DeliveryResult } from '../services/outbox/outbox-sender';
import { REVIEW_CARD_SOURCE, reviewCardModel } from '../services/review/card-updates';
import { Services } from '../services/services';
import { localeOf } from '../services/shared/actor';
import { BotAdapter } from './adapter';
import { guardCard } from './send';

interface HttpishError {
  statusCode?: number;
  code?: string;
  name?: string;
  response?: {
    headers?: { get?: (n: string) => string | null | undefined } | Record<string, string>;
  };
  message?: string;
}

/** Where the outbox id travels in every outgoing activity (Teams keeps channelData it does not know). */
export const OUTBOX_MARKER_KEY = 'projektkontoret';

/** The outbox id carried by an activity the bot sent, if any (tests and reconciliation read it). */
export function outboxIdOf(activity: Partial<Activity> | undefined): string | undefined {
  const cd = activity?.channelData as
    Record<string, { outboxId?: unknown } | undefined> | undefined;
  const id = cd?.[OUTBOX_MARKER_KEY]?.outboxId;
  return typeof id === 'string' ? id : undefined;
}

/** Retry-After in ms: delta-seconds or an HTTP date, as RFC 9110 allows. */
export function retryAfterMs(err: HttpishError, now = Date.now()): number | undefined {
  const headers = err.response?.headers;
  let raw: string | null | undefined;
  if (headers && typeof (headers as { get?: unknown }).get === 'function') {
    raw = (headers as { get: (n: string) => string | null | undefined }).get('retry-after');
  } else if (headers)
    raw =
      (headers as Record<string, string>)['retry-after'] ??
      (headers as Record<string, string>)['Retry-After'];
  if (!raw) return undefined;
  const secs = Number(raw);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

const RETRYABLE = new Set([412, 502, 503, 504]);
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Classifies a failed send: what may be retried, what never will work, and what is unknown.
 * `dispatched` says whether the request may have left this process; `idempotent` is true for an
 * update of an earlier message (repeating it cannot duplicate anything).
 */
export function classifySendError(
  err: unknown,
  dispatched = true,
  idempotent = false,
): DeliveryResult {
  const e = (err ?? {}) as HttpishError;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const message = `${status ?? e.code ?? e.name ?? 'error'}: ${e.message ?? String(err)}`.slice(
    0,
    500,
  );
  if (status === 429) return { kind: 'retry', afterMs: retryAfterMs(e), error: message, status };
  if (status !== undefined && RETRYABLE.has(status))
    return { kind: 'retry', error: message, status };
  // A 500 says the service failed while handling it: it may have posted the message first.
  if (status === 500)
    return idempotent
      ? { kind: 'retry', error: message, status }
      : { kind: 'uncertain', error: message };
  if (status !== undefined && status >= 400 && status < 500)
    return { kind: 'failed', error: message, status };
  if (status !== undefined) return { kind: 'retry', error: message, status };
  if (!dispatched || (e.code !== undefined && NOT_CONNECTED.has(e.code))) {
    return { kind: 'retry', error: message, dispatched: false };
  }
  // A reset or timeout after the request went out may have been delivered.
  return idempotent ? { kind: 'retry', error: message } : { kind: 'uncertain', error: message };
}

interface PipelineLike {
  removePolicy(options: { name?: string }): unknown;
  addPolicy(
    policy: {
      name: string;
      sendRequest: (req: unknown, next: (req: unknown) => Promise<unknown>) => Promise<unknown>;
    },
    options?: { phase?: string },
  ): void;
}

/**
 * Takes the SDK's own retries out of the connector client (it would repeat a request after a
 * reset or a 5xx, duplicating a message Teams may already have posted, and wait out Retry-After
 * blindly) and marks when the request is handed to the HTTP client, so a failure before that
 * point is known to be safe to retry. The outbox sender does all retrying itself.
 */
function prepareClient(
  client: ConnectorClient,
  onDispatch: () => void,
  onAnswer: () => void,
): boolean {
  const pipeline = (client as unknown as { client?: { pipeline?: PipelineLike } }).client?.pipeline;
  if (!pipeline || typeof pipeline.removePolicy !== 'function') return false;
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  pipeline.removePolicy({ name: 'exponentialRetryPolicy' });
  pipeline.removePolicy({ name: 'systemErrorRetryPolicy' });
  pipeline.removePolicy({ name: 'throttlingRetryPolicy' });
  pipeline.addPolicy(
    {
      name: 'projektkontoretDispatchMarker',
      sendRequest: async (req, next) => {
        onDispatch();
        const unmark = markOutboxRequest(pipelineRequestId(req));
        try {
          return await next(req);
        } finally {
          unmark();
          onAnswer();
        }
      },
    },
    { phase: 'Sign' },
  );
  return true;
}

export interface OutboxDeliveryOptions {
  /** Per-request timeout; a timeout after the request went out makes the message uncertain. */
  requestTimeoutMs?: number;
}

/** Builders of live outbox models by source name (see `OutboxPayload.card.live`). */
const LIVE_MODELS: Record<
  string,
  (s: Services, model: Record<string, unknown>) => Promise<object | null>
> = {
  [REVIEW_CARD_SOURCE]: reviewCardModel,
};

/** The model to render: the stored one, or a live one built from the store now. */
async function modelOf(
  services: Services,
  card: NonNullable<OutboxMessage['payload']['card']>,
): Promise<Record<string, unknown> | null> {
  const stored = (card.model ?? {}) as Record<string, unknown>;
  if (!card.live) return stored;
  const build = LIVE_MODELS[card.live];
  return build ? ((await build(services, stored)) as Record<string, unknown> | null) : null;
}

/** Delivers outbox messages through the Bot Connector to the stored conversations. */
export function createOutboxDelivery(
  adapter: BotAdapter,
  services: Services,
  config: AppConfig,
  options: OutboxDeliveryOptions = {},
): Deliver {
  let warnedPipeline = false;
  return async (msg: OutboxMessage): Promise<DeliveryResult> => {
    const target = msg.target;
    let reference: StoredReference | null = null;
    let conversationKey: string;
    let locale = config.localeOverride ?? localeOf(undefined);
    if (target.kind === 'user') {
      conversationKey = personalKey(target.aadObjectId);
      const doc = await services.conversations.get(conversationKey);
      if (doc?.unreachableSince)
        return {
          kind: 'failed',
          error: 'conversation unreachable since ' + doc.unreachableSince,
          dispatched: false,
        };
      reference = doc?.reference ?? null;
      const user = await services.users.get(target.aadObjectId);
      locale =
        user?.localePreference ??
        config.localeOverride ??
        localeOf(user?.locale ?? doc?.reference.locale);
    } else {
      conversationKey = channelKey(target.channelId);
      const doc = await services.conversations.get(conversationKey);
      const base = doc?.reference ?? (await anyReferenceForServiceUrl(services));
      if (base) {
        reference = {
          ...base,
          conversation: {
            id: target.threadId
              ? `${target.channelId};messageid=${target.threadId}`
              : target.channelId,
            conversationType: 'channel',
            isGroup: true,
            tenantId: base.conversation.tenantId,
          },
          user: undefined,
        };
      }
    }
    if (!reference)
      return {
        kind: 'failed',
        error: 'no conversation reference: the bot has not been reached there yet',
        dispatched: false,
      };
    if (config.appId && !isAllowedServiceUrl(reference.serviceUrl, config.serviceUrlAllowList)) {
      return {
        kind: 'failed',
        error: `serviceUrl not allowed: ${reference.serviceUrl}`,
        dispatched: false,
      };
    }
    let activity: Partial<Activity>;
    if (msg.payload.card) {
      const model = await modelOf(services, msg.payload.card);
      if (!model)
        return {
          kind: 'failed',
          error: `nothing to show: live model ${msg.payload.card.live} of ${JSON.stringify(msg.payload.card.model)} is gone`,
          dispatched: false,
        };
      const card = renderOutboxCard(msg.payload.card.template, model, locale);
      if (!card)
        return {
          kind: 'failed',
          error: `unknown card template ${msg.payload.card.template}`,
          dispatched: false,
        };
      activity = MessageFactory.attachment(
        CardFactory.adaptiveCard(guardCard(card, locale, services.log)),
      );
    } else {
      activity = MessageFactory.text(msg.payload.text ?? '');
    }
    // The idempotency marker: lets a reconciler (or a test) tell which outbox message a Teams
    // message came from. Teams itself does not deduplicate on it.
    activity.channelData = {
      ...((activity.channelData as object | undefined) ?? {}),
      [OUTBOX_MARKER_KEY]: { outboxId: msg._id },
    };
    const update = msg.payload.update;
    const timeout = options.requestTimeoutMs ?? 15_000;
    let sentId: string | undefined;
    let dispatched = false;
    let answeredAt: number | undefined;
    try {
      await adapter.continueConversationAsync(
        config.appId ?? '',
        reference as ConversationReference,
        async (ctx) => {
          // sendToConversation, not a reply: in a channel this starts a new thread (Teams' own pattern).
          const client = ctx.turnState.get<ConnectorClient>(ctx.adapter.ConnectorClientKey);
          const ready = prepareClient(
            client,
            () => (dispatched = true),
            () => (answeredAt = Date.now()),
          );
          if (!ready) {
            // Unknown client shape: we cannot tell before from after, so every failure is uncertain.
            dispatched = true;
            if (!warnedPipeline)
              services.log.warn('connector client pipeline not found: SDK retries stay on');
            warnedPipeline = true;
          }
          const outgoing = TurnContext.applyConversationReference(
            { ...activity },
            reference as ConversationReference,
          );
          delete outgoing.replyToId;
          if (update) {
            outgoing.id = update.activityId;
            outgoing.conversation = { ...outgoing.conversation!, id: update.conversationId };
            await client.conversations.updateActivity(
              update.conversationId,
              update.activityId,
              outgoing as Activity,
              { timeout },
            );
            sentId = update.activityId;
            return;
          }
          const res = await client.conversations.sendToConversation(
            reference!.conversation.id,
            outgoing as Activity,
            { timeout },
          );
          sentId = res?.id;
        },
      );
    } catch (err) {
      const result: DeliveryResult = {
        ...classifySendError(err, dispatched, !!update),
        answeredAt,
      };
      // A new post refused with 403/404: the bot was removed or the user is gone. (A 404 on an
      // update only means that one message is gone.)
      if (!update && result.kind === 'failed' && (result.status === 403 || result.status === 404)) {
        await services.conversations.markUnreachable(conversationKey, services.clock());
      }
      return result;
    }
    return {
      kind: 'sent',
      activityId: sentId,
      conversationId: update?.conversationId ?? reference.conversation.id,
      answeredAt,
    };
  };
}

/** A channel the bot has never heard from still shares its tenant's serviceUrl. */
async function anyReferenceForServiceUrl(services: Services): Promise<StoredReference | null> {
  const docs = await services.store
    .collection<{ _id: string; reference: StoredReference; updatedAt: string }>('conversations')
    .find({}, { sort: { updatedAt: -1 }, limit: 1 });
  return docs[0]?.reference ?? null;
}
