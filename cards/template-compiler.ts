/**
 * Compiles Adaptive Card templates (the JSON in cards/templates) once into closures, for the
 * subset of the Adaptive Cards Templating language our templates use: `${expr}` bindings,
 * `$data` repetition in arrays, `$when`, `$root`/`$data`/`$index`, comparisons, `!`, `&&`, `||`
 * and `count()`. It exists because the general engine (adaptivecards-templating) re-evaluates
 * every expression on each expansion, which cost a seventh of a wizard turn; a test renders
 * every template with both engines and requires identical cards.
 */

interface Scope {
  root: unknown;
  data: unknown;
  index: number;
}

type Expr = (scope: Scope) => unknown;
type Node = (scope: Scope) => unknown;

const DROP = Symbol('drop');

function lookup(base: unknown, path: string[]): unknown {
  let cur = base;
  for (const p of path) {
    if (cur === null || cur === undefined) return undefined;
    if (p === 'length' && (typeof cur === 'string' || Array.isArray(cur))) return cur.length;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** A tiny recursive-descent parser for the expression subset. */
function parseExpression(src: string): Expr {
  let pos = 0;
  const ws = (): void => {
    while (pos < src.length && /\s/.test(src[pos])) pos++;
  };
  const peek = (s: string): boolean => {
    ws();
    return src.startsWith(s, pos);
  };
  const eat = (s: string): boolean => {
    if (peek(s)) {
      pos += s.length;
      return true;
    }
    return false;
  };
  const fail = (msg: string): never => {
    throw new Error(`template expression "${src}": ${msg} at ${pos}`);
  };

  function primary(): Expr {
    ws();
    const ch = src[pos];
    if (ch === "'" || ch === '"') {
      const end = src.indexOf(ch, pos + 1);
      if (end < 0) fail('unterminated string');
      const value = src.slice(pos + 1, end);
      pos = end + 1;
      return () => value;
    }
    if (eat('(')) {
      const e = or();
      if (!eat(')')) fail('expected )');
      return e;
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(pos));
    if (num) {
      pos += num[0].length;
      const v = Number(num[0]);
      return () => v;
    }
    const ident = /^[$A-Za-z_][\w$]*(\.[$A-Za-z_][\w$]*)*/.exec(src.slice(pos));
    if (!ident) return fail('unexpected character');
    pos += ident[0].length;
    const name = ident[0];
    if (name === 'true') return () => true;
    if (name === 'false') return () => false;
    if (name === 'null') return () => null;
    if (eat('(')) {
      const args: Expr[] = [];
      if (!eat(')')) {
        do args.push(or());
        while (eat(','));
        if (!eat(')')) fail('expected )');
      }
      return call(name, args);
    }
    const parts = name.split('.');
    if (parts[0] === '$root') return (s) => lookup(s.root, parts.slice(1));
    if (parts[0] === '$data') return (s) => lookup(s.data, parts.slice(1));
    if (parts[0] === '$index') return (s) => s.index;
    return (s) => lookup(s.data, parts);
  }

  function call(name: string, args: Expr[]): Expr {
    const [a] = args;
    switch (name) {
      case 'count':
      case 'length':
        return (s) => {
          const v = a(s);
          return Array.isArray(v) || typeof v === 'string' ? v.length : 0;
        };
      case 'empty':
        return (s) => {
          const v = a(s);
          return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
        };
      case 'not':
        return (s) => !a(s);
      case 'exists':
        return (s) => a(s) !== undefined && a(s) !== null;
      default:
        return fail(`unknown function ${name}`);
    }
  }

  function unary(): Expr {
    if (eat('!')) {
      const e = unary();
      return (s) => !e(s);
    }
    return primary();
  }

  function cmp(): Expr {
    const left = unary();
    for (const op of ['==', '!=', '>=', '<=', '>', '<']) {
      if (eat(op)) {
        const right = unary();
        switch (op) {
          case '==':
            return (s) => left(s) === right(s);
          case '!=':
            return (s) => left(s) !== right(s);
          case '>=':
            return (s) => (left(s) as number) >= (right(s) as number);
          case '<=':
            return (s) => (left(s) as number) <= (right(s) as number);
          case '>':
            return (s) => (left(s) as number) > (right(s) as number);
          default:
            return (s) => (left(s) as number) < (right(s) as number);
        }
      }
    }
    return left;
  }

  function and(): Expr {
    let left = cmp();
    while (eat('&&')) {
      const l = left;
      const r = cmp();
      left = (s) => !!l(s) && !!r(s);
    }
    return left;
  }

  function or(): Expr {
    let left = and();
    while (eat('||')) {
      const l = left;
      const r = and();
      left = (s) => !!l(s) || !!r(s);
    }
    return left;
  }

  const e = or();
  ws();
  if (pos !== src.length) fail('unexpected trailing text');
  return e;
}

const WHOLE = /^\$\{([^{}]*)\}$/;
const PART = /\$\{([^{}]*)\}/g;

function compileString(s: string): Node {
  const whole = WHOLE.exec(s);
  if (whole) {
    const e = parseExpression(whole[1]);
    return (scope) => {
      const v = e(scope);
      return v === undefined ? s : v;
    };
  }
  if (!s.includes('${')) return () => s;
  const pieces: (string | Expr)[] = [];
  let last = 0;
  for (const m of s.matchAll(PART)) {
    if (m.index! > last) pieces.push(s.slice(last, m.index));
    pieces.push(parseExpression(m[1]));
    last = m.index! + m[0].length;
  }
  if (last < s.length) pieces.push(s.slice(last));
  return (scope) => pieces.map((p) => (typeof p === 'string' ? p : String(p(scope) ?? ''))).join('');
}

function bindingOf(v: unknown): Expr {
  if (typeof v === 'string') {
    const whole = WHOLE.exec(v);
    if (whole) return parseExpression(whole[1]);
    return () => v;
  }
  return () => v;
}

function compileNode(t: unknown): Node {
  if (typeof t === 'string') return compileString(t);
  if (Array.isArray(t)) {
    const items = t.map((item) => {
      if (item && typeof item === 'object' && !Array.isArray(item) && '$data' in item) {
        const data = bindingOf((item as Record<string, unknown>).$data);
        const rest = { ...(item as Record<string, unknown>) };
        delete rest.$data;
        const body = compileObject(rest);
        return (scope: Scope, out: unknown[]) => {
          const bound = data(scope);
          const list = Array.isArray(bound) ? bound : [bound];
          list.forEach((d, index) => {
            const v = body({ root: scope.root, data: d, index });
            if (v !== DROP) out.push(v);
          });
        };
      }
      const node = compileNode(item);
      return (scope: Scope, out: unknown[]) => {
        const v = node(scope);
        if (v !== DROP) out.push(v);
      };
    });
    return (scope) => {
      const out: unknown[] = [];
      for (const it of items) it(scope, out);
      return out;
    };
  }
  if (t && typeof t === 'object') return compileObject(t as Record<string, unknown>);
  return () => t;
}

function compileObject(o: Record<string, unknown>): Node {
  if ('$data' in o) throw new Error('$data outside an array is not supported by the compiled templates');
  const when = '$when' in o ? bindingOf(o.$when) : null;
  const entries = Object.entries(o)
    .filter(([k]) => k !== '$when')
    .map(([k, v]) => [k, compileNode(v)] as const);
  return (scope) => {
    if (when && !when(scope)) return DROP;
    const out: Record<string, unknown> = {};
    for (const [k, n] of entries) {
      const v = n(scope);
      if (v !== DROP) out[k] = v;
    }
    return out;
  };
}

/** Compiles a template; the result expands a view model into a card. */
export function compileTemplate(template: unknown): (model: object) => Record<string, unknown> {
  const node = compileNode(template);
  return (model) => node({ root: model, data: model, index: 0 }) as Record<string, unknown>;
}
