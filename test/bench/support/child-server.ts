import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** CPU time (user + system) a process has used so far, in ms, from /proc (NaN where there is none). */
export function processCpuMs(pid: number | undefined): number {
  try {
    // Fields after the command name: state is the 3rd field, utime the 14th, stime the 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** Starts `serve.js <kind>` in a child process and waits for its URL. */
export async function startChildServer(
  kind: 'app' | 'echo',
  env: Record<string, string> = {},
): Promise<{ url: string; cpuMs(): number; stop(): Promise<void> }> {
  const script = path.join(__dirname, 'serve.js');
  // Both servers run with the production flags (package.json `serve`, the Dockerfile).
  const extra = ['--max-semi-space-size=16', '--no-deprecation', ...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [])];
  const child: ChildProcess = spawn(process.execPath, [...extra, script, kind], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /READY (\S+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return {
    url,
    cpuMs: () => processCpuMs(child.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
