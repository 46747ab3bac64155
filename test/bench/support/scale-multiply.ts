import Database from 'better-sqlite3';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fillColumnSql, parseColumnName } from '../../../services/store/sqlite-sql';
import { ANNA, OFFICE } from './scale-plan';

/**
 * A bigger embedded store from a kept one (scale-bench --keep), for what does not need data made
 * through the use cases: start-up and the cost of turns beside much history. Every document of
 * the collections that grow with applications is copied `times - 1` more times under new ids
 * (`<id>~<k>`; an application's registration number gets the same suffix, its only unique field),
 * so 10,000 submitted applications become 50,000 with five times the votes, audit, outbox,
 * idempotency records and benefit-index entries. The copies are not a consistent history (a copied
 * vote points at the original item) and are not what the data maker would write; the probes'
 * own documents are not copied, so the measured turns act on the same data.
 *
 *   node dist/test/bench/support/scale-multiply.js <kept DATA_DIR> <new DATA_DIR> <times>
 */

const GROWING = [
  'applications',
  'reviewItems',
  'reviewVotes',
  'completenessChecks',
  'audit',
  'outbox',
  'processedActivities',
  'reminder_ledger',
  'benefitIndexed',
  'ownerAcceptances',
];

export function multiplyStore(from: string, to: string, times: number): Record<string, number> {
  if (existsSync(to)) throw new Error(`${to} exists`);
  cpSync(from, to, { recursive: true });
  const db = new Database(path.join(to, 'store.sqlite'));
  db.pragma('journal_mode = WAL');
  const counts: Record<string, number> = {};
  db.transaction(() => {
    for (const name of GROWING) {
      const table = `c_${name}`;
      const exists = db
        .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`)
        .get(table);
      if (!exists) continue;
      for (let k = 1; k < times; k++) {
        const doc =
          name === 'applications'
            ? `json_set(doc, '$._id', _id || '~${k}', '$.regNo', json_extract(doc, '$.regNo') || '~${k}')`
            : `json_set(doc, '$._id', _id || '~${k}')`;
        const notProbe =
          name === 'applications'
            ? ` AND json_extract(doc, '$.ownerId') NOT IN ('${ANNA.aadObjectId}', '${OFFICE.aadObjectId}') AND json_extract(doc, '$.ownerId') NOT LIKE '00000000-0000-4000-9000-%'`
            : '';
        db.exec(
          `INSERT INTO "${table}" (_id, doc) SELECT _id || '~${k}', ${doc} FROM "${table}" WHERE _id NOT LIKE '%~%'${notProbe}`,
        );
      }
      // The copies' indexed columns, filled from their documents as the store fills them.
      for (const { name } of db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as {
        name: string;
      }[]) {
        const col = parseColumnName(name);
        if (col) db.exec(fillColumnSql(table, col.field, col.key, `_id LIKE '%~%'`));
      }
      counts[name] = (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  // What the bench reads of a kept store (the probes are the same documents).
  if (existsSync(`${from}.json`)) {
    const kept = JSON.parse(readFileSync(`${from}.json`, 'utf8')) as { made: number };
    writeFileSync(`${to}.json`, JSON.stringify({ ...kept, made: kept.made * times }));
  }
  return counts;
}

if (require.main === module) {
  const [from, to, times] = process.argv.slice(2);
  if (!from || !to || !Number.isInteger(Number(times)) || Number(times) < 2) {
    console.error('usage: scale-multiply.js <kept DATA_DIR> <new DATA_DIR> <times ≥ 2>');
    process.exit(2);
  }
  console.log(JSON.stringify(multiplyStore(from, to, Number(times))));
}
