/**
 * The store semantics both engines share (see store.ts): what happens to `undefined`, which
 * update operators may be combined, how ties in a sort are broken, and how an upsert builds its
 * document. Pure functions; the engines call them before they talk to SQLite or the server.
 */
import type { Filter, FindOptions, IndexSpec, TallyRow, Update } from './store';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  !(v instanceof Date) &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/** A filter with `undefined` anywhere is a bug in the caller: MongoDB would read it as null. */
export function assertNoUndefined(filter: Filter, collection: string): void {
  const walk = (v: unknown, path: string): void => {
    if (v === undefined) {
      throw new Error(
        `store: the filter on ${collection} has undefined at '${path}'; say null or leave the field out`,
      );
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (isPlainObject(v))
      for (const k of Object.keys(v)) walk(v[k], path ? `${path}.${k}` : k);
  };
  walk(filter, '');
}

/** A copy without `undefined` fields, at any depth (an `undefined` array element becomes null, as in JSON). */
export function dropUndefined<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : dropUndefined(x))) as T;
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = dropUndefined(x);
  }
  return out as T;
}

/** Thrown for an update both engines refuse: the same path (or a path and its parent) under two operators. */
export class ConflictingUpdateError extends Error {
  constructor(collection: string, a: string, b: string) {
    super(
      `store: the update on ${collection} changes both '${a}' and '${b}'; one update may change a path only once`,
    );
    this.name = 'ConflictingUpdateError';
  }
}

const OPERATORS = ['$set', '$inc', '$push', '$unset'] as const;

/**
 * The update as both engines apply it: `$set: {k: undefined}` becomes `$unset: {k: ''}`,
 * `undefined` inside set or pushed values is dropped, unknown operators and paths changed twice
 * (`$set` and `$inc` of one field, or `a` and `a.b`) are refused.
 */
export function normaliseUpdate(update: Update, collection: string): Update {
  for (const op of Object.keys(update)) {
    if (!(OPERATORS as readonly string[]).includes(op)) {
      throw new Error(
        `store: the update on ${collection} uses ${op}; the store supports ${OPERATORS.join(', ')}`,
      );
    }
  }
  const out: Update = {};
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, true> = {};
  for (const [k, v] of Object.entries(update.$set ?? {})) {
    if (v === undefined) $unset[k] = true;
    else $set[k] = dropUndefined(v);
  }
  for (const [k, v] of Object.entries(update.$unset ?? {})) if (v !== undefined) $unset[k] = true;
  if (Object.keys($set).length) out.$set = $set;
  if (update.$inc) {
    const $inc: Record<string, number> = {};
    for (const [k, v] of Object.entries(update.$inc)) if (v !== undefined) $inc[k] = v;
    if (Object.keys($inc).length) out.$inc = $inc;
  }
  if (update.$push) {
    const $push: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(update.$push))
      $push[k] = v === undefined ? null : dropUndefined(v);
    if (Object.keys($push).length) out.$push = $push;
  }
  if (Object.keys($unset).length) out.$unset = $unset;
  // An update left with nothing to do is an empty $set (valid on every engine; `{}` is not).
  if (Object.keys(out).length === 0) out.$set = {};
  const paths = OPERATORS.flatMap((op) => Object.keys((out[op] as Record<string, unknown>) ?? {}));
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1], sorted[i]];
    if (a === b || b.startsWith(`${a}.`)) throw new ConflictingUpdateError(collection, a, b);
  }
  // A prefix need not sort next to its extension ('a.b' < 'a0' < 'a.c' does not happen, but
  // 'a' < 'a-b' < 'a.b' does): check every pair when a path has a dot.
  if (paths.some((p) => p.includes('.'))) {
    for (const a of paths)
      for (const b of paths)
        if (a !== b && b.startsWith(`${a}.`)) throw new ConflictingUpdateError(collection, a, b);
  }
  return out;
}

/** The sort with `_id` as the last key, so equal keys come back in one order on every engine. */
export function withIdTiebreak(sort: FindOptions['sort']): Record<string, 1 | -1> {
  if (!sort) return { _id: 1 };
  if ('_id' in sort) return sort;
  return { ...sort, _id: 1 };
}

/** The stable index name both engines use: `pk_<fields>` plus `_u` for unique, `_s` for sparse and `_ttl<seconds>`. */
export function indexName(spec: IndexSpec): string {
  const fields = spec.fields.map((f) => f.replace(/\./g, '-')).join('__');
  const ttl = spec.expireAfterSeconds !== undefined ? `_ttl${spec.expireAfterSeconds}` : '';
  return `pk_${fields}${spec.unique ? '_u' : ''}${spec.sparse ? '_s' : ''}${ttl}`;
}

/** The fields an upsert copies from its filter: plain equalities, at the top or under $and. */
export function upsertSeed(filter: Filter): Record<string, unknown> {
  const seed: Record<string, unknown> = {};
  const walk = (f: Filter): void => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(v)) v.forEach((x) => walk(x as Filter));
      else if (k.startsWith('$')) continue;
      else if (isPlainObject(v) && Object.keys(v).some((x) => x.startsWith('$'))) continue;
      else setPath(seed, k, v);
    }
  };
  walk(filter);
  return seed;
}

function copyValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(copyValue);
  if (v instanceof Date) return new Date(v.getTime());
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = copyValue(v[k]);
  return out;
}

function setPath(doc: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    if (!isPlainObject(cur[p])) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

function getPath(doc: Record<string, unknown>, dotted: string): unknown {
  let cur: unknown = doc;
  for (const p of dotted.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function unsetPath(doc: Record<string, unknown>, dotted: string): void {
  const parts = dotted.split('.');
  let cur: unknown = doc;
  for (const p of parts.slice(0, -1)) {
    if (!isPlainObject(cur)) return;
    cur = cur[p];
  }
  if (isPlainObject(cur)) delete cur[parts[parts.length - 1]];
}

/** Applies a (normalised) update to a document of one's own, as the server would; used for upserts. */
export function applyUpdate(doc: Record<string, unknown>, update: Update): Record<string, unknown> {
  // A copy made here, not by structuredClone, whose objects belong to another realm under jest
  // and so are not plain objects to isPlainObject.
  const out = copyValue(doc) as Record<string, unknown>;
  for (const [k, v] of Object.entries(update.$set ?? {})) setPath(out, k, v);
  for (const [k, v] of Object.entries(update.$inc ?? {})) {
    const cur = getPath(out, k);
    setPath(out, k, (typeof cur === 'number' ? cur : 0) + v);
  }
  for (const [k, v] of Object.entries(update.$push ?? {})) {
    const cur = getPath(out, k);
    setPath(out, k, [...(Array.isArray(cur) ? cur : []), v]);
  }
  for (const k of Object.keys(update.$unset ?? {})) unsetPath(out, k);
  return out;
}

/**
 * The filter rewritten so nedb matches null as MongoDB does: `{x: null}` and `$in: [.., null]`
 * also match a missing x; `$ne: null` and `$nin: [.., null]` need x present.
 */
export function mongoNullFilter(filter: Filter): Filter {
  let changed = false;
  const conds: Filter[] = [];
  for (const [k, v] of Object.entries(filter)) {
    if ((k === '$or' || k === '$and') && Array.isArray(v)) {
      const parts = v.map((x) => mongoNullFilter(x as Filter));
      if (parts.some((p, i) => p !== v[i])) changed = true;
      conds.push({ [k]: parts });
    } else if (k.startsWith('$')) {
      conds.push({ [k]: v });
    } else if (v === null) {
      changed = true;
      conds.push({ $or: [{ [k]: null }, { [k]: { $exists: false } }] });
    } else if (isPlainObject(v) && Object.keys(v).some((x) => x.startsWith('$'))) {
      const rest: Record<string, unknown> = {};
      const extra: Filter[] = [];
      for (const [op, arg] of Object.entries(v)) {
        if (op === '$ne' && arg === null)
          extra.push({ [k]: { $exists: true } }, { [k]: { $ne: null } });
        else if (op === '$nin' && Array.isArray(arg) && arg.includes(null))
          extra.push({ [k]: { $exists: true } }, { [k]: { $nin: arg } });
        else if (op === '$in' && Array.isArray(arg) && arg.includes(null))
          extra.push({ $or: [{ [k]: { $in: arg } }, { [k]: { $exists: false } }] });
        else rest[op] = arg;
      }
      if (extra.length) changed = true;
      if (Object.keys(rest).length) conds.push({ [k]: rest });
      conds.push(...extra);
    } else {
      conds.push({ [k]: v });
    }
  }
  if (!changed) return filter;
  return conds.length === 1 ? conds[0] : { $and: conds };
}

/** A tally (Collection.tally) of documents already read: what the stores do in their engines. */
export function tallyDocs(
  docs: readonly Record<string, unknown>[],
  by: string[],
  sum: string[],
): TallyRow[] {
  const get = (doc: Record<string, unknown>, field: string): unknown =>
    field
      .split('.')
      .reduce<unknown>(
        (v, k) =>
          v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined,
        doc,
      );
  const groups = new Map<string, TallyRow>();
  for (const doc of docs) {
    const key = by.map((f) => get(doc, f) ?? null);
    const id = JSON.stringify(key);
    let row = groups.get(id);
    if (!row) groups.set(id, (row = { key, count: 0, sums: sum.map(() => 0) }));
    row.count++;
    sum.forEach((f, i) => {
      const v = get(doc, f);
      if (typeof v === 'number') row.sums[i] += v;
    });
  }
  return [...groups.values()];
}
