/**
 * The store's query subset (store.ts Filter) translated to SQL over JSON documents: one table per
 * collection, `(_id TEXT PRIMARY KEY, doc TEXT, ...)`. An indexed field has a column of its own
 * (`"v:a.b"`, kept by the store's write path with the field's value typed as columnValue says,
 * and indexed), so a query on it uses the index and an update that does not change it leaves its
 * index alone; any other field is read with `json_extract(doc, '$."a"."b"')` from the document.
 *
 * A translation is exact (the SQL selects exactly what MongoDB would) or a superset (some
 * conditions could not be said in SQL and are left out): then the caller filters the rows again
 * with a MongoDB matcher. Conditions on a path that has held an array anywhere along it (MongoDB
 * matches array elements there), on objects, arrays or operators outside the subset are left
 * out this way. Pure functions: no database here.
 */
import type { Filter, FindOptions, IndexSpec } from './store';

export type SqlValue = string | number | bigint | Buffer | null;

export interface SqlWhere {
  sql: string;
  params: SqlValue[];
  /** False when some condition was left out: the rows are a superset to filter again. */
  exact: boolean;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/** The JSON path of a dotted field, every part quoted: `a.b` -> `$."a"."b"`. */
export function jsonPath(field: string): string {
  return `$${field
    .split('.')
    .map((p) => `."${p.replace(/"/g, '""')}"`)
    .join('')}`;
}

/** A string as an SQL literal. */
const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** A field read from the document itself. `_id` is the table's own key column. */
export function jsonExpr(field: string): string {
  if (field === '_id') return '_id';
  return `json_extract(doc, ${sqlString(jsonPath(field))})`;
}

/** The column that holds an indexed field's value (what `jsonExpr` reads), quoted. */
export const valueColumn = (field: string): string => `"v:${field.replace(/"/g, '""')}"`;

/**
 * The column that holds an indexed field's JSON text for a unique index (`doc -> path`: `'null'`
 * for a stored null, SQL NULL for a missing field), so a string "1", the number 1 and true differ
 * as they do on MongoDB.
 */
export const keyColumn = (field: string): string => `"k:${field.replace(/"/g, '""')}"`;

/** What a collection knows of its fields: where arrays have been, and how each field is read. */
export interface Fields {
  /** True when the path, or a path it lies under, has held an array in this collection. */
  isArray(field: string): boolean;
  /** The SQL that reads the field: its column when it has one, else `jsonExpr`. */
  expr(field: string): string;
  /** True when the field has a value column (its values typed as columnValue stores them). */
  hasColumn(field: string): boolean;
}

function typeExpr(field: string): string {
  if (field === '_id') return `'text'`;
  return `json_type(doc, ${sqlString(jsonPath(field))})`;
}

const NOT_SAID: SqlWhere = { sql: '1', params: [], exact: false };

/**
 * Whether the type of a field's value must be checked in the document (json_type) or may be
 * taken as a string or number (a tally's promise, Collection.tally): then an index holding the
 * fields answers without reading the documents.
 */
interface Mode {
  typed: boolean;
}
const CHECKED: Mode = { typed: false };

/**
 * The condition that keeps a comparison to the value's own type, as MongoDB compares. A column
 * holds each type in its own SQLite storage class (columnValue), so equality needs nothing and a
 * range needs only the column's own type (read from the index entry, as the planner estimates a
 * range without it); a field read from the document needs its JSON type, read from the document.
 */
function scalarGuard(
  fields: Fields,
  field: string,
  v: string | number | boolean,
  mode: Mode,
  range = false,
): string {
  if (field !== '_id' && fields.hasColumn(field)) {
    if (!range || typeof v === 'boolean') return '';
    const col = fields.expr(field);
    return typeof v === 'string'
      ? ` AND typeof(${col}) = 'text'`
      : ` AND typeof(${col}) IN ('integer', 'real')`;
  }
  if (field === '_id' || (mode.typed && typeof v !== 'boolean')) return '';
  if (typeof v === 'string') return ` AND ${typeExpr(field)} = 'text'`;
  if (typeof v === 'number') return ` AND ${typeExpr(field)} IN ('integer', 'real')`;
  return ` AND ${typeExpr(field)} = '${v ? 'true' : 'false'}'`;
}

const bindable = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';

/** A value as a parameter: a boolean as its column holds it (a blob) or as json_extract reads it (1 or 0). */
const bind = (fields: Fields, field: string, v: string | number | boolean): SqlValue =>
  typeof v !== 'boolean'
    ? v
    : field !== '_id' && fields.hasColumn(field)
      ? Buffer.from(String(v))
      : v
        ? 1
        : 0;

/** `field == v` as MongoDB means it for a scalar or null; never SQL NULL (so NOT works). */
function equals(fields: Fields, field: string, v: unknown, mode: Mode): SqlWhere {
  if (v === null) return { sql: `${fields.expr(field)} IS NULL`, params: [], exact: true };
  if (!bindable(v)) return NOT_SAID;
  return {
    sql: `(${fields.expr(field)} IS ?${scalarGuard(fields, field, v, mode)})`,
    params: [bind(fields, field, v)],
    exact: true,
  };
}

function inList(fields: Fields, field: string, list: unknown[], mode: Mode): SqlWhere {
  if (list.length === 0) return { sql: '0', params: [], exact: true };
  if (!list.every((v) => v === null || bindable(v))) return NOT_SAID;
  const parts: SqlWhere[] = [];
  const strings = list.filter((v): v is string => typeof v === 'string');
  const numbers = list.filter((v): v is number => typeof v === 'number');
  if (strings.length) {
    parts.push({
      sql: `(${fields.expr(field)} IN (${strings.map(() => '?').join(', ')})${scalarGuard(fields, field, 'x', mode)})`,
      params: strings,
      exact: true,
    });
  }
  if (numbers.length) {
    parts.push({
      sql: `(${fields.expr(field)} IN (${numbers.map(() => '?').join(', ')})${scalarGuard(fields, field, 0, mode)})`,
      params: numbers,
      exact: true,
    });
  }
  for (const b of list.filter((v): v is boolean => typeof v === 'boolean'))
    parts.push(equals(fields, field, b, mode));
  if (list.includes(null)) parts.push(equals(fields, field, null, mode));
  return combine(parts, 'OR');
}

function compare(
  fields: Fields,
  field: string,
  op: '<' | '<=' | '>' | '>=',
  v: unknown,
  mode: Mode,
): SqlWhere {
  if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) return NOT_SAID;
  // `_id` is always a string, and MongoDB compares only within a type.
  if (field === '_id' && typeof v !== 'string') return { sql: '0', params: [], exact: true };
  return {
    sql: `(${fields.expr(field)} ${op} ?${scalarGuard(fields, field, v, mode, true)})`,
    params: [v],
    exact: true,
  };
}

function not(w: SqlWhere): SqlWhere {
  if (!w.exact) return NOT_SAID;
  return { sql: `NOT COALESCE(${w.sql}, 0)`, params: w.params, exact: true };
}

function combine(parts: SqlWhere[], op: 'AND' | 'OR'): SqlWhere {
  if (parts.length === 0) return { sql: op === 'AND' ? '1' : '0', params: [], exact: true };
  if (parts.length === 1) return parts[0];
  const exact = parts.every((p) => p.exact);
  // A superset of an OR needs a superset of every branch; a left-out branch is "true".
  if (op === 'OR' && parts.some((p) => !p.exact && p.sql === '1')) return NOT_SAID;
  return {
    sql: `(${parts.map((p) => p.sql).join(` ${op} `)})`,
    params: parts.flatMap((p) => p.params),
    exact,
  };
}

function fieldCondition(field: string, cond: unknown, fields: Fields, mode: Mode): SqlWhere {
  if (field.startsWith('$')) return NOT_SAID;
  if (field !== '_id' && fields.isArray(field)) return NOT_SAID;
  if (!isPlainObject(cond) || !Object.keys(cond).some((k) => k.startsWith('$'))) {
    return equals(fields, field, cond, mode);
  }
  const parts: SqlWhere[] = [];
  for (const [op, arg] of Object.entries(cond)) {
    switch (op) {
      case '$eq':
        parts.push(equals(fields, field, arg, mode));
        break;
      case '$ne':
        parts.push(not(equals(fields, field, arg, mode)));
        break;
      case '$in':
        parts.push(Array.isArray(arg) ? inList(fields, field, arg, mode) : NOT_SAID);
        break;
      case '$nin':
        parts.push(Array.isArray(arg) ? not(inList(fields, field, arg, mode)) : NOT_SAID);
        break;
      case '$lt':
        parts.push(compare(fields, field, '<', arg, mode));
        break;
      case '$lte':
        parts.push(compare(fields, field, '<=', arg, mode));
        break;
      case '$gt':
        parts.push(compare(fields, field, '>', arg, mode));
        break;
      case '$gte':
        parts.push(compare(fields, field, '>=', arg, mode));
        break;
      case '$exists':
        // A missing field reads as NULL: `expr IS NULL` lets the field's index find the
        // candidates, and the type tells a stored null (exists) from a missing field.
        parts.push({
          sql: arg
            ? `${typeExpr(field)} IS NOT NULL`
            : `(${fields.expr(field)} IS NULL AND ${typeExpr(field)} IS NULL)`,
          params: [],
          exact: true,
        });
        break;
      default:
        parts.push(NOT_SAID);
    }
  }
  return combine(parts, 'AND');
}

/**
 * The filter as a WHERE clause (exact, or a superset to filter again). `typed`: the caller
 * promises that the filter's fields hold strings, numbers, booleans compared as booleans, or
 * null — never an object or array where a string is compared, nor a boolean where a number is
 * (Collection.tally) — so the values' types need not be read from the documents.
 */
export function toWhere(filter: Filter, fields: Fields, mode: Mode = CHECKED): SqlWhere {
  const parts: SqlWhere[] = [];
  for (const [k, v] of Object.entries(filter)) {
    if ((k === '$and' || k === '$or') && Array.isArray(v)) {
      parts.push(
        combine(
          v.map((f) => toWhere(f as Filter, fields, mode)),
          k === '$and' ? 'AND' : 'OR',
        ),
      );
    } else {
      parts.push(fieldCondition(k, v, fields, mode));
    }
  }
  return combine(parts, 'AND');
}

/** ORDER BY for a sort (ties already broken by `_id`, see withIdTiebreak), or null when a key is an array path. */
export function toOrderBy(sort: Record<string, 1 | -1>, fields: Fields): string | null {
  const keys = Object.entries(sort);
  if (keys.some(([f]) => f !== '_id' && fields.isArray(f))) return null;
  return keys.map(([f, dir]) => `${fields.expr(f)} ${dir === -1 ? 'DESC' : 'ASC'}`).join(', ');
}

/** The columns an index needs: each field's value column, and for a unique index its key column. */
export function indexColumns(spec: IndexSpec): { field: string; key: boolean }[] {
  const fields = spec.fields.filter((f) => f !== '_id');
  return [
    ...fields.map((field) => ({ field, key: false })),
    ...(spec.unique ? fields.map((field) => ({ field, key: true })) : []),
  ];
}

/**
 * The indexes of a spec as SQLite stores their statements (sqlite_master.sql): a lookup index on
 * the fields' value columns, and for a unique one the constraint on their key columns.
 */
export function indexStatements(
  table: string,
  name: string,
  spec: IndexSpec,
): { name: string; sql: string }[] {
  const fields = spec.fields.filter((f) => f !== '_id');
  if (fields.length === 0) return [];
  const q = (s: string) => `"${s}"`;
  const out = [
    {
      name: `${table}__${name}`,
      sql: `CREATE INDEX ${q(`${table}__${name}`)} ON ${q(table)} (${fields.map(valueColumn).join(', ')})`,
    },
  ];
  if (spec.unique) {
    // JSON text of the value: null and a missing field are one value ('null'), as on MongoDB;
    // a sparse or compound index constrains only documents that have every field.
    const partial = spec.sparse || fields.length > 1;
    const keys = fields.map((f) => (partial ? keyColumn(f) : `IFNULL(${keyColumn(f)}, 'null')`));
    const where = partial
      ? ` WHERE ${fields.map((f) => `${keyColumn(f)} IS NOT NULL`).join(' AND ')}`
      : '';
    out.push({
      name: `${table}__${name}__unique`,
      sql: `CREATE UNIQUE INDEX ${q(`${table}__${name}__unique`)} ON ${q(table)} (${keys.join(', ')})${where}`,
    });
  }
  return out;
}

/** A field's value in a document as a path reads it (not into arrays), or undefined. */
function valueAt(doc: Record<string, unknown>, field: string): unknown {
  let cur: unknown = doc;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur !== null && typeof cur === 'object' && typeof (cur as Date).toJSON === 'function')
    return (cur as Date).toJSON();
  return cur;
}

/**
 * The value column of a field for a document, each JSON type in a storage class of its own so
 * that a comparison needs no look at the document's JSON type: a string as TEXT, a number as
 * INTEGER or REAL (as `json_extract` reads it), null or a missing field as NULL, `true` and
 * `false` and an object or array as a BLOB of their JSON text (never equal to a string or a
 * number, and sorted after them). `columnFill` says the same in SQL.
 */
export function columnValue(doc: Record<string, unknown>, field: string): SqlValue {
  const v = valueAt(doc, field);
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      // An integer as SQLite's integer, as json_extract reads it (a JS number binds as a real).
      return Number.isSafeInteger(v) ? BigInt(v) : Number.isFinite(v) ? v : null;
    case 'boolean':
      return Buffer.from(String(v));
    case 'object':
      return v === null ? null : Buffer.from(JSON.stringify(v));
    default:
      return null;
  }
}

/** `columnValue` in SQL, read from the document (to fill a new column from the rows there). */
export function columnFill(field: string): string {
  const p = sqlString(jsonPath(field));
  return (
    `CASE json_type(doc, ${p}) WHEN 'true' THEN CAST('true' AS BLOB) WHEN 'false' THEN CAST('false' AS BLOB) ` +
    `WHEN 'object' THEN CAST(json_extract(doc, ${p}) AS BLOB) WHEN 'array' THEN CAST(json_extract(doc, ${p}) AS BLOB) ` +
    `ELSE json_extract(doc, ${p}) END`
  );
}

/** The field and kind of a column made by valueColumn or keyColumn (its name unquoted), or null. */
export function parseColumnName(name: string): { field: string; key: boolean } | null {
  return /^[vk]:/.test(name) ? { field: name.slice(2), key: name[0] === 'k' } : null;
}

/**
 * The statement that fills a field's column (its value, or its key: `doc -> path`) from the
 * documents of the rows that have the field and match `where` (the others stay NULL).
 */
export function fillColumnSql(table: string, field: string, key: boolean, where = '1'): string {
  const p = sqlString(jsonPath(field));
  const col = key ? keyColumn(field) : valueColumn(field);
  return `UPDATE "${table}" SET ${col} = ${key ? `doc -> ${p}` : columnFill(field)} WHERE json_type(doc, ${p}) IS NOT NULL AND (${where})`;
}

/** Two column values are the same (blobs by their bytes). */
export function sameCell(a: SqlValue, b: SqlValue): boolean {
  return a === b || (Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b));
}

/** The key column of a field for a document: `doc -> path` (JSON text, SQL NULL when missing). */
export function columnKey(doc: Record<string, unknown>, field: string): string | null {
  const v = valueAt(doc, field);
  return v === undefined ? null : (JSON.stringify(v) ?? null);
}

/** LIMIT/OFFSET for find options (SQLite needs a LIMIT before an OFFSET). */
export function limitClause(options: FindOptions): string {
  if (!options.limit && !options.skip) return '';
  return ` LIMIT ${options.limit && options.limit > 0 ? Math.floor(options.limit) : -1} OFFSET ${Math.max(0, Math.floor(options.skip ?? 0))}`;
}
