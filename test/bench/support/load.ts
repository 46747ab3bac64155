import http from 'node:http';

/** One request of a load run: the body to POST and, optionally, a check of the answer. */
export interface LoadRequest {
  body: unknown;
  check?: (status: number, body: string) => boolean;
}

export interface LoadResult {
  requests: number;
  concurrency: number;
  seconds: number;
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

/** POSTs JSON over a keep-alive agent; resolves with status and body. */
export function postJson(agent: http.Agent, url: URL, body: unknown): Promise<{ status: number; body: string }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Sends `requests` to `url` with at most `concurrency` in flight, keeping order per worker;
 * measures throughput and latency percentiles. `next(i)` builds request i lazily.
 */
export async function runLoad(
  url: string,
  count: number,
  concurrency: number,
  next: (i: number) => LoadRequest | Promise<LoadRequest>,
): Promise<LoadResult> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let failures = 0;
  let issued = 0;
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = issued++;
      if (i >= count) return;
      const req = await next(i);
      const t0 = process.hrtime.bigint();
      try {
        const res = await postJson(agent, target, req.body);
        const ok = res.status >= 200 && res.status < 300 && (!req.check || req.check(res.status, res.body));
        if (!ok) failures++;
      } catch {
        failures++;
      }
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: count,
    concurrency,
    seconds,
    throughput: count / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures,
  };
}

export function formatResult(name: string, r: LoadResult): string {
  return `${name.padEnd(28)} c=${String(r.concurrency).padStart(3)}  ${r.throughput.toFixed(0).padStart(6)} req/s  p50 ${r.p50Ms.toFixed(1).padStart(6)} ms  p99 ${r.p99Ms.toFixed(1).padStart(6)} ms  failures ${r.failures}`;
}

/** Runs one load and reports the CPU time (user + system) the serving process spent per request. */
export async function measureCpu(
  server: { cpuMs(): number },
  run: () => Promise<LoadResult>,
): Promise<{ result: LoadResult; cpuPerRequestMs: number }> {
  const before = server.cpuMs();
  const result = await run();
  return { result, cpuPerRequestMs: (server.cpuMs() - before) / result.requests };
}
