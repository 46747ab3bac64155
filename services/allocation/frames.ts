import { PARTS, type Part } from '../applications/wizard-steps';
import type { Frame, PortfolioDoc } from '../portfolios/portfolio-repository';
import type { Services } from '../services';
import type { Actor } from '../shared/actor';
import { parseSek, type AmountError } from '../shared/amount';
import { fiscalYearOf } from '../shared/dates';
import { parseShare, type ShareError } from '../shared/percent';
import { refuse } from './access';
import type { FrameLedgerDoc } from './frame-ledger';
import { partBudgets } from './part-budgets';
import type { PartBudgets, PartShares } from './types';

/** Years an admin may set a frame for, relative to the current fiscal year. */
export const FRAME_YEARS_BACK = 1;
export const FRAME_YEARS_AHEAD = 10;

/** A portfolio's frame for a year as the bot shows it: from the ledger, else from the seed. */
export interface FrameView {
  portfolioId: string;
  year: number;
  amount: number;
  shares: PartShares;
  budgets: PartBudgets;
  used: PartBudgets;
  /** The ledger's version (0 before anyone decided or changed the frame in the bot). */
  version: number;
}

function viewOf(
  portfolioId: string,
  year: number,
  ledger: FrameLedgerDoc | null,
  seeded: Frame | undefined,
): FrameView | null {
  if (ledger) {
    return {
      portfolioId,
      year,
      amount: ledger.amount,
      shares: { ...ledger.shares },
      budgets: { ...ledger.budgets },
      used: { ...ledger.used },
      version: ledger.version,
    };
  }
  if (!seeded) return null;
  return {
    portfolioId,
    year,
    amount: seeded.amount,
    shares: { ...seeded.shares },
    budgets: partBudgets(seeded.amount, seeded.shares),
    used: { innovation: 0, improvement: 0, maintenance: 0 },
    version: 0,
  };
}

/** The frame of a portfolio and year, or null when KF has set none (no frame: nothing to allocate). */
export async function frameOf(
  s: Services,
  portfolio: PortfolioDoc,
  year: number,
): Promise<FrameView | null> {
  const ledger = await s.allocation.ledgers.get(portfolio._id, year);
  return viewOf(
    portfolio._id,
    year,
    ledger,
    portfolio.frames.find((f) => f.year === year),
  );
}

/** The ledger of a portfolio and year, created from the seeded frame the first time it is needed. */
export async function ledgerOf(
  s: Services,
  portfolio: PortfolioDoc,
  year: number,
): Promise<FrameLedgerDoc | null> {
  const existing = await s.allocation.ledgers.get(portfolio._id, year);
  if (existing) return existing;
  const seeded = portfolio.frames.find((f) => f.year === year);
  if (!seeded) return null;
  return s.allocation.ledgers.create(portfolio._id, year, seeded, s.clock(), 'system:seed');
}

/** Every portfolio's frames (seeded and set in the bot), for the `ramar` overview. */
export async function framesOverview(
  s: Services,
): Promise<{ portfolio: PortfolioDoc; frames: FrameView[] }[]> {
  const out: { portfolio: PortfolioDoc; frames: FrameView[] }[] = [];
  for (const portfolio of await s.portfolios.all()) {
    const ledgers = await s.allocation.ledgers.forPortfolio(portfolio._id);
    const years = [
      ...new Set([...portfolio.frames.map((f) => f.year), ...ledgers.map((l) => l.year)]),
    ].sort((a, b) => a - b);
    const frames = years
      .map((y) =>
        viewOf(
          portfolio._id,
          y,
          ledgers.find((l) => l.year === y) ?? null,
          portfolio.frames.find((f) => f.year === y),
        ),
      )
      .filter((f): f is FrameView => f !== null);
    out.push({ portfolio, frames });
  }
  return out;
}

/** What the frame card sent, as typed. */
export interface FrameInput {
  amount: unknown;
  shares: Record<Part, unknown>;
}

export type FrameFieldError =
  | { field: 'amount'; code: AmountError }
  | { field: Part; code: ShareError }
  | { field: 'shares'; code: 'sum'; sum: number }
  | { field: Part; code: 'below_granted'; granted: number; budget: number };

export type SetFrameResult =
  | { ok: true; frame: FrameView; unchanged: boolean }
  | { ok: false; errors: FrameFieldError[]; current: FrameView | null }
  | { ok: false; changed: true; current: FrameView | null };

/** Checks a typed year for `ramar`: the current fiscal year − 1 … + 10. */
export function validFrameYear(year: number, now: Date): boolean {
  const current = fiscalYearOf(now);
  return (
    Number.isInteger(year) &&
    year >= current - FRAME_YEARS_BACK &&
    year <= current + FRAME_YEARS_AHEAD
  );
}

async function loadPortfolio(s: Services, portfolioId: unknown): Promise<PortfolioDoc> {
  if (typeof portfolioId !== 'string' || portfolioId.length === 0 || portfolioId.length > 64)
    refuse('not_found', 'portfolio_not_found');
  const portfolio = await s.portfolios.get(portfolioId);
  if (!portfolio) refuse('not_found', 'portfolio_not_found');
  return portfolio;
}

/** Reads an integer sent by a card (number or digits), or NaN. */
export function intOf(v: unknown): number {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : NaN;
  if (typeof v === 'string' && /^\d{1,12}$/.test(v.trim())) return Number(v.trim());
  return NaN;
}

/**
 * The project office sets a portfolio's frame for a fiscal year and its three parts (seed 002
 * §6.2): the amount as typed in kronor, the shares in percent summing to 100. A frame can never
 * be set below what decisions already hold in a part. Compare-and-set against the version the
 * admin saw; every change is audited; the portfolio's frames are kept in step.
 */
export async function setFrame(
  s: Services,
  actor: Actor,
  portfolioId: unknown,
  rawYear: unknown,
  seenVersion: unknown,
  input: FrameInput,
  activityId?: string,
): Promise<SetFrameResult> {
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin'))) refuse('forbidden', 'admin_only');
  const portfolio = await loadPortfolio(s, portfolioId);
  const year = intOf(rawYear);
  if (!validFrameYear(year, s.clock())) refuse('invalid_input', 'bad_year');
  const seen = intOf(seenVersion);
  if (Number.isNaN(seen)) refuse('invalid_input', 'bad_input');

  const errors: FrameFieldError[] = [];
  const amount = parseSek(
    typeof input.amount === 'string'
      ? input.amount
      : typeof input.amount === 'number'
        ? String(input.amount)
        : '',
  );
  if (!amount.ok) errors.push({ field: 'amount', code: amount.error });
  const shares = {} as PartShares;
  for (const part of PARTS) {
    const raw = input.shares[part];
    const parsed = parseShare(
      typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : '',
    );
    if (!parsed.ok) errors.push({ field: part, code: parsed.error });
    else shares[part] = parsed.value;
  }
  const current = await frameOf(s, portfolio, year);
  if (errors.length === 0) {
    const hundredths = PARTS.reduce((sum, p) => sum + Math.round(shares[p] * 100), 0);
    if (hundredths !== 10_000) errors.push({ field: 'shares', code: 'sum', sum: hundredths / 100 });
  }
  if (errors.length > 0 || !amount.ok) return { ok: false, errors, current };
  if (current && current.version !== seen) return { ok: false, changed: true, current };

  const frame = { amount: amount.value, shares };
  const budgets = partBudgets(frame.amount, frame.shares);
  const now = s.clock();
  let ledger = await s.allocation.ledgers.get(portfolio._id, year);
  if (!ledger) {
    if (seen !== 0) return { ok: false, changed: true, current };
    // First change in the bot: the ledger starts from the seeded frame (or this one), then the CAS below.
    ledger = await s.allocation.ledgers.create(
      portfolio._id,
      year,
      current ?? frame,
      now,
      actor.aadObjectId,
    );
    // Someone else created and changed it meanwhile: this admin saw an older frame.
    if (
      ledger.version !== 1 ||
      (!current &&
        (ledger.amount !== frame.amount || PARTS.some((p) => ledger!.shares[p] !== shares[p])))
    ) {
      return { ok: false, changed: true, current: viewOf(portfolio._id, year, ledger, undefined) };
    }
    if (!current) {
      await audit(s, actor, portfolio._id, year, null, frame, activityId);
      await mirrorFrames(s, portfolio._id);
      return { ok: true, frame: viewOf(portfolio._id, year, ledger, undefined)!, unchanged: false };
    }
  } else if (ledger.version !== seen) {
    return { ok: false, changed: true, current: viewOf(portfolio._id, year, ledger, undefined) };
  }
  const below = PARTS.filter((p) => budgets[p] < ledger.used[p]).map((p): FrameFieldError => ({
    field: p,
    code: 'below_granted',
    granted: ledger.used[p],
    budget: budgets[p],
  }));
  if (below.length > 0)
    return { ok: false, errors: below, current: viewOf(portfolio._id, year, ledger, undefined) };
  if (ledger.amount === frame.amount && PARTS.every((p) => ledger.shares[p] === shares[p])) {
    return { ok: true, frame: viewOf(portfolio._id, year, ledger, undefined)!, unchanged: true };
  }
  const before = { amount: ledger.amount, shares: ledger.shares };
  const updated = await s.allocation.ledgers.setFrame(ledger, frame, now, actor.aadObjectId);
  if (!updated) {
    // A decision or another admin changed the ledger after it was read: show the new state.
    const fresh = await s.allocation.ledgers.get(portfolio._id, year);
    return { ok: false, changed: true, current: viewOf(portfolio._id, year, fresh, undefined) };
  }
  await audit(s, actor, portfolio._id, year, before, frame, activityId);
  await mirrorFrames(s, portfolio._id);
  return { ok: true, frame: viewOf(portfolio._id, year, updated, undefined)!, unchanged: false };
}

async function audit(
  s: Services,
  actor: Actor,
  portfolioId: string,
  year: number,
  before: { amount: number; shares: PartShares } | null,
  after: { amount: number; shares: PartShares },
  activityId?: string,
): Promise<void> {
  await s.audit.append({
    at: s.clock().toISOString(),
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'frame.set',
    entityType: 'frame',
    entityId: `${portfolioId}:${year}`,
    before,
    after,
    activityId,
  });
}

/**
 * Copies the ledgers' frames onto the portfolio (PortfolioDoc.frames), which the dashboard and
 * the seed read. The ledger is the truth; the copy is redone until it matches what it copied
 * from, so two admins saving at once cannot leave an older frame behind.
 */
export async function mirrorFrames(s: Services, portfolioId: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const ledgers = await s.allocation.ledgers.forPortfolio(portfolioId);
    const portfolio = await s.portfolios.get(portfolioId);
    if (!portfolio) return;
    const byYear = new Map<number, Frame>(portfolio.frames.map((f) => [f.year, f]));
    for (const l of ledgers)
      byYear.set(l.year, { year: l.year, amount: l.amount, shares: { ...l.shares } });
    const frames = [...byYear.values()].sort((a, b) => a.year - b.year);
    await s.portfolios.update(portfolioId, { frames });
    const again = await s.allocation.ledgers.forPortfolio(portfolioId);
    const same =
      again.length === ledgers.length && again.every((l, i) => l.version === ledgers[i].version);
    if (same) return;
  }
}
