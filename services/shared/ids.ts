import { randomUUID } from 'node:crypto';

/** New opaque document id. */
export function newId(): string {
  return randomUUID();
}
