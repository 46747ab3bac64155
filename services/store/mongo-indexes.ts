import { Gate, openGate } from './mongo-gate';
import {
  Collection as MongoCollection,
  Document,
  IndexDescription,
  MongoServerError,
} from 'mongodb';
import { indexName } from './semantics';
import { Doc, IndexSpec, IndexSpecChangedError } from './store';

/**
 * Creates an index on the server under its stable name (semantics.ts indexName), or checks the
 * one there: an index on the same fields with other options is an IndexSpecChangedError naming
 * the command that migrates it. `ferretdb`: the server is FerretDB v1, which neither keeps
 * `sparse` nor knows partial indexes (docs/ferretdb.md). A TTL index (expireAfterSeconds) is a
 * plain index here: the store purges it itself (ttl-purge.ts).
 */
export async function ensureMongoIndex(
  col: MongoCollection<Doc>,
  dbName: string,
  spec: IndexSpec,
  ferretdb: boolean,
  gate: Gate = openGate,
): Promise<void> {
  const name = indexName(spec);
  const key: Record<string, 1> = {};
  for (const f of spec.fields) key[f] = 1;
  const wanted: IndexDescription = { key, name, unique: spec.unique ?? false };
  if (spec.fields.length > 1 && spec.unique && !ferretdb) {
    // Constrain only documents with every field, as the embedded store and FerretDB do
    // (MongoDB would index a missing field as null); a partial index cannot also be sparse.
    wanted.partialFilterExpression = Object.fromEntries(
      spec.fields.map((f) => [f, { $exists: true }]),
    );
  } else if (spec.sparse) {
    wanted.sparse = true;
  }
  let existing: Document[] = [];
  try {
    existing = await gate(() => col.listIndexes().toArray());
  } catch (err) {
    if (!(err instanceof MongoServerError && err.code === 26)) throw err; // NamespaceNotFound: new collection
  }
  const sameKey = (i: Document) => JSON.stringify(i.key) === JSON.stringify(key);
  const found = existing.find((i) => i.name === name) ?? existing.find(sameKey);
  if (found) {
    const describe = (i: Document) =>
      JSON.stringify({
        key: i.key,
        unique: Boolean(i.unique),
        // FerretDB v1 accepts `sparse` but neither keeps nor reports it (docs/ferretdb.md).
        ...(ferretdb ? {} : { sparse: Boolean(i.sparse) }),
        ...(i.partialFilterExpression
          ? { partialFilterExpression: i.partialFilterExpression }
          : {}),
      });
    if (sameKey(found) && describe(found) === describe(wanted)) return;
    throw new IndexSpecChangedError(
      col.collectionName,
      String(found.name),
      describe(found),
      `${describe(wanted)} named ${name}`,
      `db.getSiblingDB('${dbName}').getCollection('${col.collectionName}').dropIndex('${String(found.name)}')`,
    );
  }
  const { key: _key, ...options } = wanted;
  await gate(() => col.createIndex(key, options));
}
