import pLimit from 'p-limit';

/**
 * Runs one server operation, counted from its start until its cursor is drained: a gate lets at
 * most so many through at once. The work must be a single driver call (a `toArray()` included),
 * never one that goes through the gate again, or the gate could wait on itself.
 */
export type Gate = <R>(work: () => Promise<R>) => Promise<R>;

/** MongoDB: every operation goes straight to the driver. */
export const openGate: Gate = (work) => work();

/**
 * FerretDB v1: at most `n` operations at once, open cursors included. An open cursor holds one
 * of FerretDB's PostgreSQL connections between its batches while the driver's connection goes
 * back to the pool, so the driver's `maxPoolSize` alone does not bound them; with its pool of
 * 50 used up by cursors waiting for a driver connection that new finds (waiting for PostgreSQL)
 * hold, FerretDB stops for good (docs/ferretdb.md, "Its PostgreSQL pool").
 */
export function boundedGate(n: number): Gate {
  const limit = pLimit(n);
  return (work) => limit(work);
}
