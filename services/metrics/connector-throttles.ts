import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { metrics as defaultMetrics, Metrics, ThrottleSource } from './metrics';

/** The header the Azure SDK pipeline gives every Bot Connector request (a fresh id each). */
const REQUEST_ID_HEADER = 'x-ms-client-request-id';

/**
 * Which requests the outbox is making right now, by their request id; every other Bot Connector
 * request is made by a turn. (An AsyncLocalStorage would say the same, but it turns on promise
 * hooks for the whole process, which cost every turn a few per cent.)
 */
const outboxRequestIds = new Set<string>();

/** Marks a request of the outbox (from its client pipeline); returns the function that unmarks it. */
export function markOutboxRequest(requestId: string | undefined): () => void {
  if (!requestId) return () => undefined;
  outboxRequestIds.add(requestId);
  return () => {
    outboxRequestIds.delete(requestId);
  };
}

function sourceOf(request: ClientRequest): ThrottleSource {
  const id = request.getHeader(REQUEST_ID_HEADER);
  if (typeof id !== 'string') return 'other';
  return outboxRequestIds.has(id) ? 'outbox' : 'turn';
}

/** The request id a pipeline request carries, for {@link markOutboxRequest}. */
export function pipelineRequestId(req: unknown): string | undefined {
  const r = req as { headers?: { get?: (n: string) => string | undefined }; requestId?: string };
  return r.headers?.get?.(REQUEST_ID_HEADER) ?? r.requestId;
}

const sources = new WeakMap<ClientRequest, ThrottleSource>();
const observed = new WeakSet<Metrics>();

/** Bot Connector REST calls (Teams' API) all live under /v3/. */
function isConnectorCall(request: ClientRequest): boolean {
  return typeof request.path === 'string' && request.path.startsWith('/v3/');
}

/**
 * Counts every HTTP 429 the Bot Connector answers, including the ones the Bot Framework SDK
 * retries by itself (it honours Retry-After up to three times before a send fails), by watching
 * Node's http client through diagnostics_channel. Idempotent per metrics instance.
 */
export function observeConnectorThrottles(m: Metrics = defaultMetrics): void {
  if (observed.has(m)) return;
  observed.add(m);
  diagnosticsChannel.subscribe('http.client.request.start', (message) => {
    const { request } = message as { request: ClientRequest };
    sources.set(request, sourceOf(request));
  });
  diagnosticsChannel.subscribe('http.client.response.finish', (message) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    if (response.statusCode !== 429 || !isConnectorCall(request)) return;
    m.throttles.inc({ source: sources.get(request) ?? 'other' });
  });
}
