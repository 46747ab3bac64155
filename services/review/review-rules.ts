import { PortfolioDoc } from '../portfolios/portfolio-repository';
import { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';

/** Settings key per portfolio: whether the IT function's statement is required before closing. */
export const statementRequiredKey = (portfolioId: string): string =>
  `review.statementRequired.${portfolioId}`;

/** How a portfolio reviews: quorum, days to assess, and whether the IT statement is required. */
export interface ReviewRules {
  quorum: number;
  reviewDays: number;
  statementRequired: boolean;
}

/** The statement rule is read on every vote: it is kept a few seconds (and dropped when changed here). */
const STATEMENT_TTL_MS = 5000;
const statementCache = new WeakMap<object, Map<string, { at: number; required: boolean }>>();

async function statementRequired(
  s: Pick<Services, 'settings'>,
  portfolioId: string,
): Promise<boolean> {
  let cache = statementCache.get(s.settings);
  if (!cache) {
    cache = new Map();
    statementCache.set(s.settings, cache);
  }
  const hit = cache.get(portfolioId);
  const now = Date.now();
  if (hit && now - hit.at < STATEMENT_TTL_MS) return hit.required;
  const required = (await s.settings.get<boolean>(statementRequiredKey(portfolioId))) === true;
  cache.set(portfolioId, { at: now, required });
  return required;
}

/** The rules for a portfolio's review: quorum and days from the portfolio, the statement rule from settings. */
export async function reviewRules(
  s: Pick<Services, 'portfolios' | 'settings'>,
  portfolioId: string,
): Promise<ReviewRules> {
  const [portfolio, required] = await Promise.all([
    s.portfolios.get(portfolioId),
    statementRequired(s, portfolioId),
  ]);
  return {
    quorum: portfolio?.quorum ?? 3,
    reviewDays: portfolio?.reviewDays ?? 10,
    statementRequired: required,
  };
}

/** What an admin changes with `beredningsregler`. */
export interface RulesChange {
  quorum?: number;
  reviewDays?: number;
  statementRequired?: boolean;
}

/** Upper bounds that catch typing mistakes in `beredningsregler`. */
export const MAX_QUORUM = 50;
export const MAX_REVIEW_DAYS = 120;

/** Changes the review rules of portfolios (project office only); every change is audited. */
export async function setReviewRules(
  s: Services,
  actor: Actor,
  portfolioIds: string[],
  change: RulesChange,
  activityId?: string,
): Promise<PortfolioDoc[]> {
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin')))
    throw new DomainError('forbidden', 'admins only', { reason: 'admin_only' });
  if (
    change.quorum !== undefined &&
    (!Number.isInteger(change.quorum) || change.quorum < 1 || change.quorum > MAX_QUORUM)
  ) {
    throw new DomainError('invalid_input', 'bad quorum', { reason: 'bad_quorum', max: MAX_QUORUM });
  }
  if (
    change.reviewDays !== undefined &&
    (!Number.isInteger(change.reviewDays) ||
      change.reviewDays < 1 ||
      change.reviewDays > MAX_REVIEW_DAYS)
  ) {
    throw new DomainError('invalid_input', 'bad days', {
      reason: 'bad_days',
      max: MAX_REVIEW_DAYS,
    });
  }
  const now = s.clock().toISOString();
  const out: PortfolioDoc[] = [];
  for (const id of portfolioIds) {
    const before = await s.portfolios.get(id);
    if (!before) continue;
    statementCache.get(s.settings)?.delete(id);
    const beforeRules = await reviewRules(s, id);
    const set: Partial<PortfolioDoc> = {};
    if (change.quorum !== undefined) set.quorum = change.quorum;
    if (change.reviewDays !== undefined) set.reviewDays = change.reviewDays;
    const updated = Object.keys(set).length > 0 ? await s.portfolios.update(id, set) : before;
    if (change.statementRequired !== undefined) {
      await s.settings.set(
        statementRequiredKey(id),
        change.statementRequired,
        s.clock(),
        actor.aadObjectId,
      );
      statementCache.get(s.settings)?.delete(id);
    }
    await s.audit.append({
      at: now,
      actorId: actor.aadObjectId,
      actorName: actor.name,
      action: 'portfolio.review_rules_changed',
      entityType: 'portfolio',
      entityId: id,
      before: beforeRules,
      after: await reviewRules(s, id),
      activityId,
    });
    if (updated) out.push(updated);
  }
  return out;
}

/** What is wrong with one field of the rules form. */
export type RulesFieldError = 'bad_quorum' | 'bad_days';

/** The rules form after "Spara": what changed, or what to fix (then nothing was saved). */
export interface RulesFormResult {
  changed: number;
  errors: Record<string, RulesFieldError>;
  drafts: Record<string, string>;
}

function formInt(raw: unknown): number {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  return /^\d{1,4}$/.test(text) ? Number(text) : NaN;
}

/**
 * The rules card's form: per portfolio the quorum (beslutförhet), the review days and whether the
 * IT statement is required (`quorum_<id>`, `days_<id>`, `statement_<id>`). Everything is checked
 * before anything is saved; an emptied field is empty (clients leave it out of the data).
 */
export async function saveRulesForm(
  s: Services,
  actor: Actor,
  data: Record<string, unknown>,
  activityId?: string,
): Promise<RulesFormResult> {
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin')))
    throw new DomainError('forbidden', 'admins only', { reason: 'admin_only' });
  const errors: Record<string, RulesFieldError> = {};
  const drafts: Record<string, string> = {};
  const changes: { id: string; change: RulesChange }[] = [];
  for (const p of await s.portfolios.all()) {
    const current = await reviewRules(s, p._id);
    const qKey = `quorum_${p._id}`;
    const dKey = `days_${p._id}`;
    const sKey = `statement_${p._id}`;
    drafts[qKey] =
      typeof data[qKey] === 'string' ? (data[qKey] as string) : String(data[qKey] ?? '');
    drafts[dKey] =
      typeof data[dKey] === 'string' ? (data[dKey] as string) : String(data[dKey] ?? '');
    drafts[sKey] = data[sKey] === 'true' || data[sKey] === true ? 'true' : 'false';
    const quorum = formInt(data[qKey]);
    const days = formInt(data[dKey]);
    if (!Number.isInteger(quorum) || quorum < 1 || quorum > MAX_QUORUM) errors[qKey] = 'bad_quorum';
    if (!Number.isInteger(days) || days < 1 || days > MAX_REVIEW_DAYS) errors[dKey] = 'bad_days';
    const statement = drafts[sKey] === 'true';
    const change: RulesChange = {};
    if (quorum !== current.quorum) change.quorum = quorum;
    if (days !== current.reviewDays) change.reviewDays = days;
    if (statement !== current.statementRequired) change.statementRequired = statement;
    if (Object.keys(change).length > 0) changes.push({ id: p._id, change });
  }
  if (Object.keys(errors).length > 0) return { changed: 0, errors, drafts };
  for (const c of changes) await setReviewRules(s, actor, [c.id], c.change, activityId);
  return { changed: changes.length, errors, drafts };
}
