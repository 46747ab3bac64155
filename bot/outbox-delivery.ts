import { Activity, CardFactory, ConversationReference, MessageFactory, TurnContext } from 'botbuilder';
import { ConnectorClient } from 'botframework-connector';
import { renderOutboxCard } from '../cards/outbox-cards';
import { AppConfig, isAllowedServiceUrl } from '../services/config/config';
import { channelKey, personalKey, StoredReference } from '../services/conversations/conversation-repository';
import { OutboxMessage } from '../services/outbox/outbox-repository';
import { Deliver, DeliveryResult } from '../services/outbox/outbox-sender';
import { Services } from '../services/services';
import { localeOf } from '../services/shared/actor';
import { BotAdapter } from './adapter';

interface HttpishError {
  statusCode?: number;
  code?: string;
  response?: { headers?: { get?: (n: string) => string | null | undefined } | Record<string, string> };
  message?: string;
}

function retryAfterMs(err: HttpishError): number | undefined {
  const headers = err.response?.headers;
  let raw: string | null | undefined;
  if (headers && typeof (headers as { get?: unknown }).get === 'function') {
    raw = (headers as { get: (n: string) => string | null | undefined }).get('retry-after');
  } else if (headers) raw = (headers as Record<string, string>)['retry-after'];
  const secs = raw ? Number(raw) : NaN;
  return Number.isFinite(secs) && secs >= 0 ? secs * 1000 : undefined;
}

/** Classifies a failed send: what may be retried, what never will work, and what is unknown. */
export function classifySendError(err: unknown): DeliveryResult {
  const e = (err ?? {}) as HttpishError;
  const status = e.statusCode;
  const message = `${status ?? e.code ?? 'error'}: ${e.message ?? String(err)}`.slice(0, 500);
  if (status === 429) return { kind: 'retry', afterMs: retryAfterMs(e), error: message };
  if (status === 412 || status === 502 || status === 503 || status === 504 || status === 500) return { kind: 'retry', error: message };
  if (status === 403 || status === 404 || status === 400 || status === 401) return { kind: 'failed', error: message };
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return { kind: 'retry', error: message };
  // A reset or timeout after the request went out may have been delivered.
  return { kind: 'uncertain', error: message };
}

/** Delivers outbox messages through the Bot Connector to the stored conversations. */
export function createOutboxDelivery(adapter: BotAdapter, services: Services, config: AppConfig): Deliver {
  return async (msg: OutboxMessage): Promise<DeliveryResult> => {
    const target = msg.target;
    let reference: StoredReference | null = null;
    let conversationKey: string;
    let locale = localeOf(undefined);
    if (target.kind === 'user') {
      conversationKey = personalKey(target.aadObjectId);
      const doc = await services.conversations.get(conversationKey);
      if (doc?.unreachableSince) return { kind: 'failed', error: 'conversation unreachable since ' + doc.unreachableSince };
      reference = doc?.reference ?? null;
      const user = await services.users.get(target.aadObjectId);
      locale = localeOf(user?.locale ?? doc?.reference.locale);
    } else {
      conversationKey = channelKey(target.channelId);
      const doc = await services.conversations.get(conversationKey);
      const base = doc?.reference ?? (await anyReferenceForServiceUrl(services));
      if (base) {
        reference = {
          ...base,
          conversation: {
            id: target.threadId ? `${target.channelId};messageid=${target.threadId}` : target.channelId,
            conversationType: 'channel',
            isGroup: true,
            tenantId: base.conversation.tenantId,
          },
          user: undefined,
        };
      }
    }
    if (!reference) return { kind: 'failed', error: 'no conversation reference: the bot has not been reached there yet' };
    if (config.appId && !isAllowedServiceUrl(reference.serviceUrl, config.serviceUrlAllowList)) {
      return { kind: 'failed', error: `serviceUrl not allowed: ${reference.serviceUrl}` };
    }
    let activity: Partial<Activity>;
    if (msg.payload.card) {
      const card = renderOutboxCard(msg.payload.card.template, msg.payload.card.model as Record<string, unknown>, locale);
      if (!card) return { kind: 'failed', error: `unknown card template ${msg.payload.card.template}` };
      activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
    } else {
      activity = MessageFactory.text(msg.payload.text ?? '');
    }
    let sentId: string | undefined;
    try {
      await adapter.continueConversationAsync(config.appId ?? '', reference as ConversationReference, async (ctx) => {
        // sendToConversation, not a reply: in a channel this starts a new thread (Teams' own pattern).
        const client = ctx.turnState.get<ConnectorClient>(ctx.adapter.ConnectorClientKey);
        const outgoing = TurnContext.applyConversationReference({ ...activity }, reference as ConversationReference);
        delete outgoing.replyToId;
        const update = msg.payload.update;
        if (update) {
          outgoing.id = update.activityId;
          outgoing.conversation = { ...outgoing.conversation!, id: update.conversationId };
          await client.conversations.updateActivity(update.conversationId, update.activityId, outgoing as Activity);
          sentId = update.activityId;
          return;
        }
        const res = await client.conversations.sendToConversation(reference!.conversation.id, outgoing as Activity);
        sentId = res?.id;
      });
    } catch (err) {
      const result = classifySendError(err);
      if (result.kind === 'failed' && /^(403|404)/.test(result.error)) {
        await services.conversations.markUnreachable(conversationKey, services.clock());
      }
      return result;
    }
    return { kind: 'sent', activityId: sentId, conversationId: reference.conversation.id };
  };
}

/** A channel the bot has never heard from still shares its tenant's serviceUrl. */
async function anyReferenceForServiceUrl(services: Services): Promise<StoredReference | null> {
  const docs = await services.store
    .collection<{ _id: string; reference: StoredReference; updatedAt: string }>('conversations')
    .find({}, { sort: { updatedAt: -1 }, limit: 1 });
  return docs[0]?.reference ?? null;
}
