/**
 * A FerretDB of a test's own (scripts/ferretdb.sh with its own FERRETDB_STATE, port and
 * PostgreSQL database), for tests that stop it, starve it or may hang it: the suite's shared
 * server is never touched. Needs `scripts/ferretdb.sh build` to work (Go and PostgreSQL).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const FERRETDB = path.join(__dirname, '..', '..', 'scripts', 'ferretdb.sh');

/** Runs one scripts/ferretdb.sh command on this state directory, port and database prefix. */
export function ferretdb(
  state: string,
  port: number,
  command: 'start' | 'stop' | 'pause' | 'resume',
  dbPrefix: string,
): void {
  execFileSync('bash', [FERRETDB, command], {
    env: {
      ...process.env,
      FERRETDB_STATE: state,
      FERRETDB_PORT: String(port),
      FERRETDB_DB: `${dbPrefix}_${port}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
}
