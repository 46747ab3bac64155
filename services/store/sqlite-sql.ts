/**
 * The store's query subset (store.ts Filter) translated to SQL over JSON documents: one table per
 * collection, `(_id TEXT PRIMARY KEY, doc TEXT)`, fields read with `json_extract(doc, '$."a"."b"')`,
 * the very expression the indexes are built on, so SQLite uses them.
 *
 * A translation is exact (the SQL selects exactly what MongoDB would) or a superset (some
 * conditions could not be said in SQL and are left out): then the caller filters the rows again
 * with a MongoDB matcher. Conditions on a path that has held an array anywhere along it (MongoDB
 * matches array elements there), on objects, arrays or operators outside the subset are left
 * out this way. Pure functions: no database here.
 */
import type { Filter, FindOptions, IndexSpec } from './store';

export type SqlValue = string | number | null;

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

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The expression a field is read and indexed by. `_id` is the table's own key column. */
export function fieldExpr(field: string): string {
  if (field === '_id') return '_id';
  return `json_extract(doc, ${sqlString(jsonPath(field))})`;
}

function typeExpr(field: string): string {
  if (field === '_id') return `'text'`;
  return `json_type(doc, ${sqlString(jsonPath(field))})`;
}

/** True when the path, or a path it lies under, has held an array in this collection. */
export type ArrayPaths = (field: string) => boolean;

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

function scalarGuard(field: string, v: string | number | boolean, mode: Mode): string {
  if (field === '_id' || (mode.typed && typeof v !== 'boolean')) return '';
  if (typeof v === 'string') return ` AND ${typeExpr(field)} = 'text'`;
  if (typeof v === 'number') return ` AND ${typeExpr(field)} IN ('integer', 'real')`;
  return ` AND ${typeExpr(field)} = '${v ? 'true' : 'false'}'`;
}

const bindable = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';

const bind = (v: string | number | boolean): SqlValue => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

/** `field == v` as MongoDB means it for a scalar or null; never SQL NULL (so NOT works). */
function equals(field: string, v: unknown, mode: Mode): SqlWhere {
  if (v === null) return { sql: `${fieldExpr(field)} IS NULL`, params: [], exact: true };
  if (!bindable(v)) return NOT_SAID;
  return {
    sql: `(${fieldExpr(field)} IS ?${scalarGuard(field, v, mode)})`,
    params: [bind(v)],
    exact: true,
  };
}

function inList(field: string, list: unknown[], mode: Mode): SqlWhere {
  if (list.length === 0) return { sql: '0', params: [], exact: true };
  if (!list.every((v) => v === null || bindable(v))) return NOT_SAID;
  const parts: SqlWhere[] = [];
  const strings = list.filter((v): v is string => typeof v === 'string');
  const numbers = list.filter((v): v is number => typeof v === 'number');
  if (strings.length) {
    parts.push({
      sql: `(${fieldExpr(field)} IN (${strings.map(() => '?').join(', ')})${scalarGuard(field, 'x', mode)})`,
      params: strings,
      exact: true,
    });
  }
  if (numbers.length) {
    parts.push({
      sql: `(${fieldExpr(field)} IN (${numbers.map(() => '?').join(', ')})${scalarGuard(field, 0, mode)})`,
      params: numbers,
      exact: true,
    });
  }
  for (const b of list.filter((v): v is boolean => typeof v === 'boolean'))
    parts.push(equals(field, b, mode));
  if (list.includes(null)) parts.push(equals(field, null, mode));
  return combine(parts, 'OR');
}

function compare(field: string, op: '<' | '<=' | '>' | '>=', v: unknown, mode: Mode): SqlWhere {
  if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) return NOT_SAID;
  // `_id` is always a string, and MongoDB compares only within a type.
  if (field === '_id' && typeof v !== 'string') return { sql: '0', params: [], exact: true };
  return {
    sql: `(${fieldExpr(field)} ${op} ?${scalarGuard(field, v, mode)})`,
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

function fieldCondition(field: string, cond: unknown, arrays: ArrayPaths, mode: Mode): SqlWhere {
  if (field.startsWith('$')) return NOT_SAID;
  if (field !== '_id' && arrays(field)) return NOT_SAID;
  if (!isPlainObject(cond) || !Object.keys(cond).some((k) => k.startsWith('$'))) {
    return equals(field, cond, mode);
  }
  const parts: SqlWhere[] = [];
  for (const [op, arg] of Object.entries(cond)) {
    switch (op) {
      case '$eq':
        parts.push(equals(field, arg, mode));
        break;
      case '$ne':
        parts.push(not(equals(field, arg, mode)));
        break;
      case '$in':
        parts.push(Array.isArray(arg) ? inList(field, arg, mode) : NOT_SAID);
        break;
      case '$nin':
        parts.push(Array.isArray(arg) ? not(inList(field, arg, mode)) : NOT_SAID);
        break;
      case '$lt':
        parts.push(compare(field, '<', arg, mode));
        break;
      case '$lte':
        parts.push(compare(field, '<=', arg, mode));
        break;
      case '$gt':
        parts.push(compare(field, '>', arg, mode));
        break;
      case '$gte':
        parts.push(compare(field, '>=', arg, mode));
        break;
      case '$exists':
        // A missing field reads as NULL: `expr IS NULL` lets the field's index find the
        // candidates, and the type tells a stored null (exists) from a missing field.
        parts.push({
          sql: arg
            ? `${typeExpr(field)} IS NOT NULL`
            : `(${fieldExpr(field)} IS NULL AND ${typeExpr(field)} IS NULL)`,
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
export function toWhere(filter: Filter, arrays: ArrayPaths, mode: Mode = CHECKED): SqlWhere {
  const parts: SqlWhere[] = [];
  for (const [k, v] of Object.entries(filter)) {
    if ((k === '$and' || k === '$or') && Array.isArray(v)) {
      parts.push(
        combine(
          v.map((f) => toWhere(f as Filter, arrays, mode)),
          k === '$and' ? 'AND' : 'OR',
        ),
      );
    } else {
      parts.push(fieldCondition(k, v, arrays, mode));
    }
  }
  return combine(parts, 'AND');
}

/** ORDER BY for a sort (ties already broken by `_id`, see withIdTiebreak), or null when a key is an array path. */
export function toOrderBy(sort: Record<string, 1 | -1>, arrays: ArrayPaths): string | null {
  const keys = Object.entries(sort);
  if (keys.some(([f]) => f !== '_id' && arrays(f))) return null;
  return keys.map(([f, dir]) => `${fieldExpr(f)} ${dir === -1 ? 'DESC' : 'ASC'}`).join(', ');
}

/** The SQL of an index: a lookup index on the fields, and for a unique one the constraint. */
export function indexStatements(table: string, name: string, spec: IndexSpec): string[] {
  const fields = spec.fields.filter((f) => f !== '_id');
  if (fields.length === 0) return [];
  const q = (s: string) => `"${s}"`;
  const out = [
    `CREATE INDEX IF NOT EXISTS ${q(`${table}__${name}`)} ON ${q(table)} (${fields.map(fieldExpr).join(', ')})`,
  ];
  if (spec.unique) {
    // JSON text of the value: null and a missing field are one value ('null'), as on MongoDB;
    // a sparse or compound index constrains only documents that have every field.
    const keys = fields.map((f) => `IFNULL(doc -> ${sqlString(jsonPath(f))}, 'null')`);
    const partial =
      spec.sparse || fields.length > 1
        ? ` WHERE ${fields.map((f) => `${typeExpr(f)} IS NOT NULL`).join(' AND ')}`
        : '';
    out.push(
      `CREATE UNIQUE INDEX IF NOT EXISTS ${q(`${table}__${name}__unique`)} ON ${q(table)} (${keys.join(', ')})${partial}`,
    );
  }
  return out;
}

/** LIMIT/OFFSET for find options (SQLite needs a LIMIT before an OFFSET). */
export function limitClause(options: FindOptions): string {
  if (!options.limit && !options.skip) return '';
  return ` LIMIT ${options.limit && options.limit > 0 ? Math.floor(options.limit) : -1} OFFSET ${Math.max(0, Math.floor(options.skip ?? 0))}`;
}
