/**
 * Named points where a crash test can kill the process: with PK_CRASH_AT=<name> in its
 * environment the process sends itself SIGKILL on reaching that point (no cleanup, no flush,
 * as a power cut or `kill -9` would). Unset in every real deployment; refused when
 * NODE_ENV=production, so a stray variable can never take a production instance down.
 */
export function crashPoint(name: string): void {
  const at = process.env.PK_CRASH_AT;
  if (!at || at !== name || process.env.NODE_ENV === 'production') return;
  process.kill(process.pid, 'SIGKILL');
}
