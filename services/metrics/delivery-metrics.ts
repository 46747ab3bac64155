import type { Deliver } from '../outbox/outbox-sender';
import { throttleSource } from './connector-throttles';
import { metrics as defaultMetrics, Metrics } from './metrics';

/**
 * Wraps the outbox's delivery function so every attempt is counted by result, and any 429 Teams
 * answers during it is counted as an outbox throttle, without the sender knowing about metrics.
 */
export function instrumentDelivery(deliver: Deliver, m: Metrics = defaultMetrics): Deliver {
  return (msg) =>
    throttleSource.run('outbox', async () => {
      try {
        const result = await deliver(msg);
        m.recordDelivery(result.kind);
        return result;
      } catch (err) {
        // The sender treats a thrown delivery as "may have been delivered".
        m.recordDelivery('uncertain');
        throw err;
      }
    });
}
