import { promises as fsp } from 'node:fs';

/**
 * The prototype of Node's FileHandle (not exported by Node): tests spy on its `sync` to hold back
 * or fail the embedded store's fsync of its log (services/store/wal-sync.ts).
 */
export async function fileHandlePrototype(): Promise<{ sync: () => Promise<void> }> {
  const h = await fsp.open(__filename, 'r');
  const proto = Object.getPrototypeOf(h) as { sync: () => Promise<void> };
  await h.close();
  return proto;
}
