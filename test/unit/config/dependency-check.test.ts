/**
 * The CI dependency check (.ci/dependency-check.sh) against a stand-in `npm` and a temporary
 * project, so each verdict (audit findings, unreachable audit, broken tree, denylisted version)
 * is exercised without a registry.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freshDataDir } from '../../support/temp-dirs';

const SCRIPT = path.join(__dirname, '..', '..', '..', '.ci', 'dependency-check.sh');

/** A fake npm: `audit` and `ls` answer from env, as the real one does (JSON on stdout). */
const FAKE_NPM = `#!/usr/bin/env node
const cmd = process.argv[2];
if (cmd === 'audit') {
  if (process.env.FAKE_AUDIT === 'unreachable') {
    process.stdout.write(JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405 }));
    process.exit(1);
  }
  const high = process.env.FAKE_AUDIT === 'high' ? 1 : 0;
  process.stdout.write(JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities: high ? { 'left-pad': { name: 'left-pad', severity: 'high', range: '<1.3.1', fixAvailable: true } } : {},
    metadata: { vulnerabilities: { info: 0, low: 2, moderate: 1, high, critical: 0, total: 3 + high } },
  }));
  process.exit(high ? 1 : 0);
}
if (cmd === 'ls') {
  const tree = { name: 'p', dependencies: { 'left-pad': { version: process.env.FAKE_VERSION || '1.3.0' } } };
  if (process.env.FAKE_LS === 'missing') tree.problems = ['missing: left-pad@^1.3.0, required by p@1.0.0'];
  process.stdout.write(JSON.stringify(tree));
  process.exit(tree.problems ? 1 : 0);
}
process.exit(2);
`;

function project(version = '1.3.0'): string {
  const dir = freshDataDir('pk-depcheck-');
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'p', version: '1.0.0', dependencies: { 'left-pad': '^1.3.0' } }),
  );
  writeFileSync(
    path.join(dir, 'package-lock.json'),
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'p', dependencies: { 'left-pad': '^1.3.0' } },
        'node_modules/left-pad': {
          version,
          resolved: `https://registry.npmjs.org/left-pad/-/left-pad-${version}.tgz`,
          integrity: 'sha512-x',
        },
      },
    }),
  );
  writeFileSync(
    path.join(dir, 'denylist.json'),
    JSON.stringify({
      entries: [
        {
          name: 'left-pad',
          versions: ['1.3.1'],
          ranges: [{ from: '0.0.1', below: '1.0.0' }],
          severity: 'critical',
          advisory: 'test entry',
        },
      ],
    }),
  );
  const npm = path.join(dir, 'fake-npm.js');
  writeFileSync(npm, FAKE_NPM);
  chmodSync(npm, 0o755);
  return dir;
}

function run(dir: string, env: Record<string, string>): { status: number | null; out: string } {
  const r = spawnSync('sh', [SCRIPT], {
    env: {
      PATH: process.env.PATH ?? '',
      DEPENDENCY_CHECK_ROOT: dir,
      DEPENDENCY_CHECK_NPM: path.join(dir, 'fake-npm.js'),
      DEPENDENCY_CHECK_DENYLIST: path.join(dir, 'denylist.json'),
      ...env,
    },
    encoding: 'utf8',
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('.ci/dependency-check.sh', () => {
  it('when npm audit runs and finds nothing high, then it passes', () => {
    const r = run(project(), { FAKE_AUDIT: 'clean' });
    expect(r.out).toContain('npm audit ran: critical 0, high 0');
    expect(r.status).toBe(0);
  });

  it('when npm audit reports a high advisory, then it fails naming the package', () => {
    const r = run(project(), { FAKE_AUDIT: 'high' });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/npm audit: left-pad \(high\)/);
  });

  it('when the advisory endpoint is unreachable, then it says so loudly and passes on the offline checks', () => {
    const r = run(project(), { FAKE_AUDIT: 'unreachable' });
    expect(r.status).toBe(0);
    expect(r.out).toContain('NO ADVISORY DATABASE WAS CONSULTED');
    expect(r.out).toContain('OFFLINE CHECKS ONLY');
  });

  it('when the audit is required but unreachable, then it fails', () => {
    const r = run(project(), { FAKE_AUDIT: 'unreachable', DEPENDENCY_CHECK_REQUIRE_AUDIT: 'true' });
    expect(r.status).toBe(1);
    expect(r.out).toContain('DEPENDENCY_CHECK_REQUIRE_AUDIT=true');
  });

  it('when a package is missing from the installed tree, then it fails', () => {
    const r = run(project(), { FAKE_AUDIT: 'unreachable', FAKE_LS: 'missing' });
    expect(r.status).toBe(1);
    expect(r.out).toContain('npm ls: missing: left-pad');
  });

  it.each(['1.3.1', '0.9.9'])(
    'when %s of a denylisted package is installed, then it fails',
    (version) => {
      const r = run(project(version), { FAKE_AUDIT: 'unreachable', FAKE_VERSION: version });
      expect(r.status).toBe(1);
      expect(r.out).toContain(`denylist: left-pad@${version} (critical: test entry)`);
    },
  );

  it('when package.json and the lockfile disagree, then it fails', () => {
    const dir = project();
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'p', dependencies: { 'left-pad': '^1.3.0', chalk: '5.0.0' } }),
    );
    const r = run(dir, { FAKE_AUDIT: 'unreachable' });
    expect(r.status).toBe(1);
    expect(r.out).toContain(
      'lockfile: dependencies.chalk is "5.0.0" in package.json but "(absent)" in package-lock.json',
    );
  });

  it('when the real denylist is read, then every entry is well formed', () => {
    const file = path.join(__dirname, '..', '..', '..', '.ci', 'known-bad-versions.json');
    const list = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, unknown>[] };
    expect(list.entries.length).toBeGreaterThan(20);
    for (const e of list.entries) {
      expect(typeof e.name).toBe('string');
      expect(['high', 'critical']).toContain(e.severity);
      expect(Array.isArray(e.versions) || Array.isArray(e.ranges)).toBe(true);
      for (const r of (e.ranges as { from?: string; below?: string }[] | undefined) ?? []) {
        for (const v of [r.from, r.below])
          if (v !== undefined) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
      }
    }
  });
});
