import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { metrics as defaultMetrics, Metrics, ThrottleSource } from './metrics';

/**
 * Which part of the bot is talking to Teams right now. The server runs each turn in
 * `throttleSource.run('turn', …)` and the outbox each delivery in `run('outbox', …)`.
 */
export const throttleSource = new AsyncLocalStorage<ThrottleSource>();

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
    const source = throttleSource.getStore();
    if (source) sources.set(request, source);
  });
  diagnosticsChannel.subscribe('http.client.response.finish', (message) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    if (response.statusCode !== 429 || !isConnectorCall(request)) return;
    m.throttles.inc({ source: sources.get(request) ?? 'other' });
  });
}
