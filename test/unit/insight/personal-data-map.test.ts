import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  COVERED_COLLECTIONS,
  PERSONAL_DATA_RULES,
} from '../../../services/privacy/personal-data-map';

const ROOT = path.join(__dirname, '..', '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** Every collection name the services open (`collection<…>('name')`), found in the source. */
function collectionsInSource(): Set<string> {
  const names = new Set<string>();
  for (const file of tsFiles(path.join(ROOT, 'services'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/collection<[^>]*>\(\s*'([^']+)'/g)) names.add(m[1]);
    for (const m of text.matchAll(/\bcol<[^>]*>\(\s*s\s*,\s*'([^']+)'/g)) names.add(m[1]);
  }
  return names;
}

describe('the personal-data rules', () => {
  it('when a collection is opened anywhere in services/, then the privacy rules say what an erasure does with it', () => {
    const found = collectionsInSource();
    expect(found.size).toBeGreaterThan(20);
    expect([...found].filter((n) => !COVERED_COLLECTIONS.has(n)).sort()).toEqual([]);
  });

  it('when the rules are documented, then docs/indicators.md lists every collection with its policy', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'indicators.md'), 'utf8');
    for (const rule of PERSONAL_DATA_RULES) expect(doc).toContain(`\`${rule.collection}\``);
  });

  it('when a rule keeps public records, then it gives its reason in Swedish and English', () => {
    for (const rule of PERSONAL_DATA_RULES) {
      expect(rule.reason.sv.length).toBeGreaterThan(10);
      expect(rule.reason.en.length).toBeGreaterThan(10);
    }
    const policy = (c: string) =>
      PERSONAL_DATA_RULES.filter((r) => r.collection === c).map((r) => r.policy);
    expect(policy('applications')).toEqual(['delete', 'keep']);
    expect(policy('decisions')).toEqual(['keep']);
    expect(policy('reviewVotes')).toEqual(['keep']);
    expect(policy('conversations')).toEqual(['delete']);
  });
});
