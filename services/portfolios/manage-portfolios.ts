import { PARTS, type Part } from '../applications/wizard-steps';
import type { Services } from '../services';
import type { Actor } from '../shared/actor';
import { normalizeCommand } from '../shared/text';
import { partsOf, type PortfolioDoc, type PortfolioPart } from './portfolio-repository';

/** Limits of what the `hantera portföljer` card accepts. */
export const PORTFOLIO_LIMITS = {
  name: 200,
  partName: 120,
  description: 1000,
  numberMax: 999,
} as const;

/** What the admin typed on the portfolio form, as the card sent it (anything may be missing). */
export interface PortfolioInput {
  number?: unknown;
  key?: unknown;
  nameSv?: unknown;
  nameEn?: unknown;
  description?: unknown;
  relaxedBenefit?: unknown;
  /** 'true' / 'false' (the edit form's toggle); creating opens the portfolio. */
  open?: unknown;
  /** Per part: 'open', 'closed' or 'none' (not part of the portfolio). */
  partStates?: Partial<Record<Part, unknown>>;
  partNamesSv?: Partial<Record<Part, unknown>>;
  partNamesEn?: Partial<Record<Part, unknown>>;
}

export type PortfolioField =
  | 'number'
  | 'key'
  | 'nameSv'
  | 'nameEn'
  | 'description'
  | 'parts'
  | `part_${Part}`;

export type PortfolioErrorCode =
  | 'required'
  | 'too_long'
  | 'name_taken'
  | 'number_invalid'
  | 'number_taken'
  | 'key_invalid'
  | 'key_taken'
  | 'parts_none'
  | 'part_remove';

export interface PortfolioFieldError {
  field: PortfolioField;
  code: PortfolioErrorCode;
  params?: Record<string, string | number>;
}

/** A refusal before any input is looked at: not an admin, or a portfolio that is gone. */
export type PortfolioRefusal = 'admin_only' | 'not_found';

export type ManagePortfolioResult =
  | { ok: true; portfolio: PortfolioDoc; unchanged: boolean; changes: string[] }
  | { ok: false; errors: PortfolioFieldError[] }
  | { ok: false; refused: PortfolioRefusal }
  | { ok: false; changed: true; current: PortfolioDoc };

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
const flag = (v: unknown): boolean => v === true || v === 'true';
const sameName = (a: string, b: string): boolean => normalizeCommand(a) === normalizeCommand(b);

/** The parsed form: what would be stored, or the list of fields to fix. */
interface ParsedForm {
  key: string;
  name: { sv: string; en: string };
  description: string;
  relaxedBenefit: boolean;
  parts: Partial<Record<Part, PortfolioPart>>;
}

function parseForm(
  input: PortfolioInput,
  others: PortfolioDoc[],
  existing: PortfolioDoc | null,
): { form: ParsedForm; errors: PortfolioFieldError[] } {
  const errors: PortfolioFieldError[] = [];
  const nameSv = text(input.nameSv);
  const nameEn = text(input.nameEn) || nameSv;
  if (!nameSv) errors.push({ field: 'nameSv', code: 'required' });
  else if (nameSv.length > PORTFOLIO_LIMITS.name)
    errors.push({ field: 'nameSv', code: 'too_long', params: { max: PORTFOLIO_LIMITS.name } });
  if (nameEn.length > PORTFOLIO_LIMITS.name)
    errors.push({ field: 'nameEn', code: 'too_long', params: { max: PORTFOLIO_LIMITS.name } });
  for (const [field, name] of [
    ['nameSv', nameSv],
    ['nameEn', nameEn],
  ] as const) {
    if (!name) continue;
    const clash = others.find((o) => sameName(o.name.sv, name) || sameName(o.name.en, name));
    if (clash && !errors.some((e) => e.field === field))
      errors.push({ field, code: 'name_taken', params: { number: clash.number } });
  }
  const key = normalizeCommand(text(input.key));
  if (!key) errors.push({ field: 'key', code: 'required' });
  else if (!/^[a-z][a-z0-9-]{1,29}$/.test(key)) errors.push({ field: 'key', code: 'key_invalid' });
  else {
    const clash = others.find((o) => normalizeCommand(o.key) === key || o._id.toLowerCase() === key);
    if (clash) errors.push({ field: 'key', code: 'key_taken', params: { number: clash.number } });
  }
  const description = text(input.description);
  if (description.length > PORTFOLIO_LIMITS.description)
    errors.push({
      field: 'description',
      code: 'too_long',
      params: { max: PORTFOLIO_LIMITS.description },
    });
  const had = existing ? new Set(partsOf(existing)) : new Set<Part>();
  const parts: Partial<Record<Part, PortfolioPart>> = {};
  for (const part of PARTS) {
    const rawState = text(input.partStates?.[part]);
    const state = rawState === 'open' || rawState === 'closed' ? rawState : 'none';
    if (state === 'none') {
      if (had.has(part)) errors.push({ field: `part_${part}`, code: 'part_remove' });
      continue;
    }
    const sv = text(input.partNamesSv?.[part]);
    const en = text(input.partNamesEn?.[part]) || sv;
    if (sv.length > PORTFOLIO_LIMITS.partName || en.length > PORTFOLIO_LIMITS.partName) {
      errors.push({ field: `part_${part}`, code: 'too_long', params: { max: PORTFOLIO_LIMITS.partName } });
    }
    const entry: PortfolioPart = {};
    if (state === 'closed') entry.closed = true;
    if (sv) entry.name = { sv, en };
    parts[part] = entry;
  }
  if (Object.keys(parts).length === 0 && !errors.some((e) => e.field.startsWith('part_')))
    errors.push({ field: 'parts', code: 'parts_none' });
  return {
    form: { key, name: { sv: nameSv, en: nameEn }, description, relaxedBenefit: flag(input.relaxedBenefit), parts },
    errors,
  };
}

/** Reads an integer sent by a card (number or digits), or NaN. */
function intOf(v: unknown): number {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : NaN;
  if (typeof v === 'string' && /^\d{1,6}$/.test(v.trim())) return Number(v.trim());
  return NaN;
}

async function audit(
  s: Pick<Services, 'audit' | 'clock'>,
  actor: Actor,
  action: string,
  portfolioId: string,
  before: unknown,
  after: unknown,
  activityId?: string,
): Promise<void> {
  await s.audit.append({
    at: s.clock().toISOString(),
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action,
    entityType: 'portfolio',
    entityId: portfolioId,
    before,
    after,
    activityId,
  });
}

function sameParts(a: Partial<Record<Part, PortfolioPart>>, b: Partial<Record<Part, PortfolioPart>>): boolean {
  return PARTS.every((p) => JSON.stringify(a[p] ?? null) === JSON.stringify(b[p] ?? null));
}

/** The parts as stored, with a seeded portfolio's implicit three made explicit. */
function explicitParts(p: PortfolioDoc): Partial<Record<Part, PortfolioPart>> {
  if (p.parts) return p.parts;
  return { innovation: {}, improvement: {}, maintenance: {} };
}

/**
 * The project office creates a portfolio on the `hantera portföljer` card: number, short code,
 * names, description and parts. A repeated click or a redelivery finds the same portfolio and
 * changes nothing; another portfolio with the same number, code or name is refused by field.
 */
export async function createPortfolio(
  s: Pick<Services, 'users' | 'portfolios' | 'audit' | 'clock'>,
  actor: Actor,
  input: PortfolioInput,
  activityId?: string,
): Promise<ManagePortfolioResult> {
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin'))) return { ok: false, refused: 'admin_only' };
  const all = await s.portfolios.all();
  const number = intOf(input.number);
  const numberError: PortfolioFieldError | null =
    !text(input.number)
      ? { field: 'number', code: 'required' }
      : !Number.isInteger(number) || number < 1 || number > PORTFOLIO_LIMITS.numberMax
        ? { field: 'number', code: 'number_invalid', params: { max: PORTFOLIO_LIMITS.numberMax } }
        : null;
  const id = `p${number}`;
  const { form, errors } = parseForm(input, all, null);
  if (!numberError) {
    const same = all.find((p) => p.number === number || p._id === id);
    if (same) {
      // The same form sent twice (double click, retry): the portfolio it created is the answer.
      if (errors.length === 0 || errors.every((e) => e.code.endsWith('_taken'))) {
        if (sameName(same.name.sv, form.name.sv) && normalizeCommand(same.key) === form.key)
          return { ok: true, portfolio: same, unchanged: true, changes: [] };
      }
      errors.unshift({ field: 'number', code: 'number_taken', params: { number } });
    }
  } else errors.unshift(numberError);
  if (errors.length > 0) return { ok: false, errors };
  const doc: PortfolioDoc = {
    _id: id,
    number,
    key: form.key,
    name: form.name,
    relaxedBenefit: form.relaxedBenefit,
    frames: [],
    quorum: 3,
    reviewDays: 10,
    parts: form.parts,
    version: 1,
    ...(form.description ? { description: form.description } : {}),
  };
  if (!(await s.portfolios.insert(doc))) {
    const now = await s.portfolios.fresh(id);
    if (now && sameName(now.name.sv, form.name.sv) && now.key === form.key)
      return { ok: true, portfolio: now, unchanged: true, changes: [] };
    return { ok: false, errors: [{ field: 'number', code: 'number_taken', params: { number } }] };
  }
  await audit(s, actor, 'portfolio.created', id, null, doc, activityId);
  return { ok: true, portfolio: doc, unchanged: false, changes: ['created'] };
}

/**
 * The project office changes a portfolio on the card: names, code, description, open or closed,
 * and its parts (added, renamed, opened, closed; never removed, so applications keep their part).
 * Compare-and-set against the version the admin saw; each kind of change is audited with its
 * before and after.
 */
export async function updatePortfolio(
  s: Pick<Services, 'users' | 'portfolios' | 'audit' | 'clock'>,
  actor: Actor,
  portfolioId: unknown,
  seenVersion: unknown,
  input: PortfolioInput,
  activityId?: string,
): Promise<ManagePortfolioResult> {
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin'))) return { ok: false, refused: 'admin_only' };
  if (typeof portfolioId !== 'string' || portfolioId.length === 0 || portfolioId.length > 64)
    return { ok: false, refused: 'not_found' };
  const current = await s.portfolios.fresh(portfolioId);
  if (!current) return { ok: false, refused: 'not_found' };
  const seen = intOf(seenVersion);
  const others = (await s.portfolios.all()).filter((p) => p._id !== current._id);
  const { form, errors } = parseForm(input, others, current);
  if (errors.length > 0) return { ok: false, errors };
  const version = current.version ?? 0;
  const closed = input.open === undefined ? !!current.closed : !flag(input.open);
  const set: Partial<PortfolioDoc> = {};
  const changes: { action: string; before: unknown; after: unknown }[] = [];
  if (
    current.name.sv !== form.name.sv ||
    current.name.en !== form.name.en ||
    current.key !== form.key ||
    (current.description ?? '') !== form.description
  ) {
    set.name = form.name;
    set.key = form.key;
    set.description = form.description;
    changes.push({
      action: 'portfolio.renamed',
      before: { name: current.name, key: current.key, description: current.description ?? '' },
      after: { name: form.name, key: form.key, description: form.description },
    });
  }
  if (current.relaxedBenefit !== form.relaxedBenefit) {
    set.relaxedBenefit = form.relaxedBenefit;
    changes.push({
      action: 'portfolio.relaxed_benefit_set',
      before: { relaxedBenefit: current.relaxedBenefit },
      after: { relaxedBenefit: form.relaxedBenefit },
    });
  }
  if (!!current.closed !== closed) {
    set.closed = closed;
    changes.push({ action: closed ? 'portfolio.closed' : 'portfolio.opened', before: { closed: !!current.closed }, after: { closed } });
  }
  const beforeParts = explicitParts(current);
  if (!sameParts(beforeParts, form.parts)) {
    set.parts = form.parts;
    for (const part of PARTS) {
      const b = beforeParts[part];
      const a = form.parts[part];
      if (!a || JSON.stringify(a) === JSON.stringify(b ?? null)) continue;
      const action = !b
        ? 'portfolio.part_added'
        : !!b.closed !== !!a.closed
          ? a.closed
            ? 'portfolio.part_closed'
            : 'portfolio.part_opened'
          : 'portfolio.part_renamed';
      changes.push({ action, before: b ? { part, ...b } : null, after: { part, ...a } });
    }
  }
  if (changes.length === 0) return { ok: true, portfolio: current, unchanged: true, changes: [] };
  if (Number.isNaN(seen) || seen !== version) return { ok: false, changed: true, current };
  const updated = await s.portfolios.updateIfVersion(current._id, version, set);
  if (!updated) {
    const fresh = await s.portfolios.fresh(current._id);
    return fresh ? { ok: false, changed: true, current: fresh } : { ok: false, refused: 'not_found' };
  }
  for (const c of changes) await audit(s, actor, c.action, current._id, c.before, c.after, activityId);
  return { ok: true, portfolio: updated, unchanged: false, changes: changes.map((c) => c.action) };
}

/**
 * Opens or closes a portfolio for applications from the overview card's button. Closing only
 * stops new applications: drafts, submitted applications and decisions stay as they are.
 * Setting the state it already has changes nothing (a repeated click).
 */
export async function setPortfolioOpen(
  s: Pick<Services, 'users' | 'portfolios' | 'audit' | 'clock'>,
  actor: Actor,
  portfolioId: unknown,
  open: boolean,
  activityId?: string,
): Promise<ManagePortfolioResult> {
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin'))) return { ok: false, refused: 'admin_only' };
  if (typeof portfolioId !== 'string' || portfolioId.length === 0 || portfolioId.length > 64)
    return { ok: false, refused: 'not_found' };
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await s.portfolios.fresh(portfolioId);
    if (!current) return { ok: false, refused: 'not_found' };
    if (!current.closed === open) return { ok: true, portfolio: current, unchanged: true, changes: [] };
    const version = current.version ?? 0;
    const updated = await s.portfolios.updateIfVersion(current._id, version, { closed: !open });
    if (!updated) continue;
    const action = open ? 'portfolio.opened' : 'portfolio.closed';
    await audit(s, actor, action, current._id, { closed: !!current.closed }, { closed: !open }, activityId);
    return { ok: true, portfolio: updated, unchanged: false, changes: [action] };
  }
  const current = await s.portfolios.fresh(portfolioId);
  return current ? { ok: false, changed: true, current } : { ok: false, refused: 'not_found' };
}
