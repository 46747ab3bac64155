import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

// No Docker daemon and no hadolint on these machines: the Dockerfile is checked by parsing it.

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

const root = join(__dirname, '..', '..', '..');
const dockerfile = readFileSync(join(root, 'deployment', 'Dockerfile'), 'utf8');

/** Splits a Dockerfile into instructions (joins `\` continuations, drops comments). */
function parse(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (pending && line.startsWith('#')) return;
    if (!pending) start = index + 1;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const [keyword, ...rest] = full.split(/\s+/);
    out.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: start });
  });
  return out;
}

function stages(instructions: Instruction[]): Stage[] {
  const result: Stage[] = [];
  for (const i of instructions) {
    if (i.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(i.args);
      result.push({ from: m?.[1] ?? i.args, name: m?.[2], instructions: [] });
    } else if (result.length > 0) {
      result[result.length - 1].instructions.push(i);
    }
  }
  return result;
}

const instructions = parse(dockerfile);
const all = stages(instructions);
const final = all[all.length - 1];
const inFinal = (keyword: string) => final.instructions.filter((i) => i.keyword === keyword);

describe('deployment/Dockerfile', () => {
  it('when parsed, then it is multi-stage and the runtime stage copies only build output', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    const build = all.find((s) => s.name === 'build');
    expect(build).toBeDefined();
    const runs = build?.instructions
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join(' ');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).toMatch(/npm run build/);
    expect(runs).toMatch(/npm prune --omit=dev/);
    const copies = inFinal('COPY');
    expect(copies.length).toBeGreaterThan(0);
    expect(copies.every((c) => c.args.includes('--from=build'))).toBe(true);
  });

  it('when the container runs, then it runs as a non-root user', () => {
    const users = inFinal('USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1].args.split(':')[0];
    expect(['root', '0', '']).not.toContain(user);
    const cmd = final.instructions.findIndex((i) => i.keyword === 'CMD');
    expect(final.instructions.indexOf(users[users.length - 1])).toBeLessThan(cmd);
  });

  it('when started, then CMD runs node dist/bot/index.js on port 3978 in exec form', () => {
    const cmd = inFinal('CMD');
    expect(cmd).toHaveLength(1);
    // The same node flags as `npm run serve` (a larger young generation: less GC per turn).
    expect(JSON.parse(cmd[0].args)).toEqual(['node', '--max-semi-space-size=16', '--no-deprecation', 'dist/bot/index.js']);
    expect(inFinal('EXPOSE').map((i) => i.args)).toContain('3978');
    expect(
      inFinal('ENV')
        .map((i) => i.args)
        .join(' '),
    ).toMatch(/PORT=3978/);
  });

  it('when health is checked, then HEALTHCHECK asks /healthz on the configured port', () => {
    const health = inFinal('HEALTHCHECK');
    expect(health).toHaveLength(1);
    expect(health[0].args).toMatch(/CMD/);
    expect(health[0].args).toMatch(/\/healthz/);
    expect(health[0].args).toMatch(/process\.env\.PORT\|\|3978/);
  });

  it('when scanned for secrets, then no ENV or ARG sets a password, secret, key or connection string', () => {
    const settings = instructions.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG');
    for (const s of settings) {
      expect(s.args).not.toMatch(/PASSWORD|SECRET|TOKEN|API_?KEY|MONGODB_URI|MicrosoftApp/i);
    }
    expect(dockerfile).not.toMatch(/mongodb(\+srv)?:\/\/[^\s'"]*@/);
  });

  it('when the build context is copied, then every COPY source exists and secrets are ignored', () => {
    const build = all[0];
    for (const copy of build.instructions.filter((i) => i.keyword === 'COPY')) {
      const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) {
        expect({ source, exists: existsSync(join(root, source)) }).toEqual({
          source,
          exists: true,
        });
      }
    }
    const ignore = readFileSync(join(root, 'deployment', 'Dockerfile.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '.env', '.git', 'dist']));
  });

  it('when a base image is named, then it is a pinned Node 20 slim image', () => {
    const arg = instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    expect(arg?.args).toMatch(/^NODE_IMAGE=node:20\.\d+-\w+-slim$/);
    expect(all.every((s) => s.from === '${NODE_IMAGE}')).toBe(true);
  });

  it('when the health probe runs, then it exits 0 for a healthy bot and 1 for an unhealthy one', async () => {
    const args = JSON.parse(inFinal('HEALTHCHECK')[0].args.replace(/^.*?CMD\s+/, '')) as string[];
    expect(args.slice(0, 2)).toEqual(['node', '-e']);
    let healthy = true;
    const server: Server = createServer((req, res) => {
      res.statusCode = req.url === '/healthz' && healthy ? 200 : 503;
      res.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = String((server.address() as AddressInfo).port);
    const probe = () =>
      new Promise<number>((done) => {
        execFile(process.execPath, ['-e', args[2]], { env: { PORT: port } }, (error) =>
          done(error ? ((error as { code?: number }).code ?? 1) : 0),
        );
      });
    try {
      expect(await probe()).toBe(0);
      healthy = false;
      expect(await probe()).toBe(1);
    } finally {
      server.close();
    }
  });
});
