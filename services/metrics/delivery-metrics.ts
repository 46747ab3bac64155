import type { Deliver } from '../outbox/outbox-sender';
import { metrics as defaultMetrics, Metrics } from './metrics';

/**
 * Wraps the outbox's delivery function so every attempt is counted by result, without the sender
 * knowing about metrics. (Its 429s are counted as outbox throttles: the delivery's client pipeline
 * marks its requests, see `markOutboxRequest`.)
 */
export function instrumentDelivery(deliver: Deliver, m: Metrics = defaultMetrics): Deliver {
  return async (msg) => {
    try {
      const result = await deliver(msg);
      m.recordDelivery(result.kind);
      return result;
    } catch (err) {
      // The sender treats a thrown delivery as "may have been delivered".
      m.recordDelivery('uncertain');
      throw err;
    }
  };
}
