import {
  CardNotice,
  draftOf,
  portfolioAdminCard,
  PortfolioDraft,
  portfolioFormCard,
  portfolioRefusalCard,
} from '../../cards/portfolio-cards';
import { AdaptiveCard, clip, escapeMarkdown } from '../../cards/render';
import { fmt } from '../../cards/strings';
import { pagingText } from '../../cards/strings/paging-strings';
import { portfolioText } from '../../cards/strings/portfolio-strings';
import { PARTS, type Part } from '../../services/applications/wizard-steps';
import {
  createPortfolio,
  ManagePortfolioResult,
  PortfolioInput,
  setPortfolioOpen,
  updatePortfolio,
} from '../../services/portfolios/manage-portfolios';
import { Services } from '../../services/services';
import { Actor } from '../../services/shared/actor';
import { fiscalYearOf } from '../../services/shared/dates';
import { parsePageNumber } from '../../services/shared/paging';
import { VerbHandler } from '../handler-types';

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** The portfolio form's inputs as the card sent them (merged into the action data). */
function inputOf(data: Record<string, unknown>): PortfolioInput {
  const per = (suffix: string): Partial<Record<Part, unknown>> =>
    Object.fromEntries(PARTS.map((p) => [p, data[`pf_part_${p}${suffix}`]]));
  return {
    number: data.pf_number,
    key: data.pf_key,
    nameSv: data.pf_name_sv,
    nameEn: data.pf_name_en,
    description: data.pf_description,
    relaxedBenefit: data.pf_relaxed,
    open: data.pf_open,
    partStates: per(''),
    partNamesSv: per('_sv'),
    partNamesEn: per('_en'),
  };
}

/** What was typed, to show again next to the errors. */
function draftFrom(data: Record<string, unknown>): PortfolioDraft {
  const per = (suffix: string): Record<Part, string> =>
    Object.fromEntries(PARTS.map((p) => [p, text(data[`pf_part_${p}${suffix}`])])) as Record<Part, string>;
  return {
    number: text(data.pf_number),
    key: text(data.pf_key),
    nameSv: text(data.pf_name_sv),
    nameEn: text(data.pf_name_en),
    description: text(data.pf_description),
    relaxed: data.pf_relaxed === 'true' || data.pf_relaxed === true,
    open: data.pf_open !== 'false' && data.pf_open !== false,
    partStates: per(''),
    partNamesSv: per('_sv'),
    partNamesEn: per('_en'),
  };
}

async function isAdmin(s: Services, actor: Actor): Promise<boolean> {
  return s.users.hasRole(actor.aadObjectId, 'admin');
}

/** The overview card, fresh from the store, with a notice on top (a page of it; the first by default). */
export async function adminOverview(
  s: Services,
  actor: Actor,
  notice?: CardNotice,
  page = 1,
): Promise<AdaptiveCard> {
  return portfolioAdminCard(await s.portfolios.all(), actor.locale, fiscalYearOf(s.clock()), notice, page);
}

/** Turns a use case's answer into the card shown in place of the one the admin acted on. */
async function answer(
  s: Services,
  actor: Actor,
  result: ManagePortfolioResult,
  onErrors: () => AdaptiveCard | Promise<AdaptiveCard>,
  done: (name: string) => string,
): Promise<AdaptiveCard> {
  const t = portfolioText(actor.locale).admin;
  if (result.ok) {
    const name = `${result.portfolio.number}. ${result.portfolio.name[actor.locale]}`;
    return adminOverview(s, actor, { text: result.unchanged ? t.unchanged : done(name), color: 'Good' });
  }
  if ('refused' in result) {
    if (result.refused === 'admin_only') return portfolioRefusalCard(actor.locale);
    return adminOverview(s, actor, { text: t.notFound, color: 'Attention' });
  }
  if ('changed' in result) {
    return portfolioFormCard(result.current, draftOf(result.current, result.current.number), actor.locale, {
      notice: { text: t.changed, color: 'Warning' },
    });
  }
  return await onErrors();
}

/** `portfolio.list`: the overview again (a form's back button), or another page of it. */
export const portfolioList: VerbHandler = async (_context, { deps, actor, data }) => {
  if (!(await isAdmin(deps.services, actor))) return portfolioRefusalCard(actor.locale);
  const page = parsePageNumber(data.page);
  if (page === null) {
    const shown = typeof data.page === 'string' || typeof data.page === 'number' ? String(data.page) : '?';
    const line = fmt(pagingText(actor.locale).badPage, { page: escapeMarkdown(clip(shown, 20)) });
    return adminOverview(deps.services, actor, { text: line, color: 'Attention' });
  }
  return adminOverview(deps.services, actor, undefined, page);
};

/** `portfolio.form`: the empty form for a new portfolio, numbered after the last one. */
export const portfolioForm: VerbHandler = async (_context, { deps, actor }) => {
  const s = deps.services;
  if (!(await isAdmin(s, actor))) return portfolioRefusalCard(actor.locale);
  const all = await s.portfolios.all();
  const next = Math.max(0, ...all.map((p) => p.number)) + 1;
  return portfolioFormCard(null, draftOf(null, next), actor.locale);
};

/** `portfolio.create`: creates the portfolio; errors come back on the form as typed. */
export const portfolioCreate: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  const s = deps.services;
  const t = portfolioText(actor.locale).admin;
  const result = await createPortfolio(s, actor, inputOf(data), activityId);
  return answer(
    s,
    actor,
    result,
    () =>
      portfolioFormCard(null, draftFrom(data), actor.locale, {
        errors: !result.ok && 'errors' in result ? result.errors : [],
      }),
    (name) => fmt(t.created, { name, year: fiscalYearOf(s.clock()) }),
  );
};

/** `portfolio.edit`: the form for one portfolio as it is now. */
export const portfolioEdit: VerbHandler = async (_context, { deps, actor, data }) => {
  const s = deps.services;
  if (!(await isAdmin(s, actor))) return portfolioRefusalCard(actor.locale);
  const id = text(data.portfolioId);
  const portfolio = id ? await s.portfolios.fresh(id) : null;
  if (!portfolio)
    return adminOverview(s, actor, { text: portfolioText(actor.locale).admin.notFound, color: 'Attention' });
  return portfolioFormCard(portfolio, draftOf(portfolio, portfolio.number), actor.locale);
};

/** `portfolio.save`: renames, opens or closes the portfolio and its parts, as the form says. */
export const portfolioSave: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  const s = deps.services;
  const t = portfolioText(actor.locale).admin;
  const result = await updatePortfolio(s, actor, data.portfolioId, data.portfolioVersion, inputOf(data), activityId);
  return answer(
    s,
    actor,
    result,
    async () => {
      const p = await s.portfolios.fresh(text(data.portfolioId));
      if (!p) return adminOverview(s, actor, { text: t.notFound, color: 'Attention' });
      return portfolioFormCard(p, { ...draftFrom(data), number: String(p.number) }, actor.locale, {
        errors: !result.ok && 'errors' in result ? result.errors : [],
      });
    },
    (name) => fmt(t.saved, { name }),
  );
};

const toggle =
  (open: boolean): VerbHandler =>
  async (_context, { deps, actor, data, activityId }) => {
    const s = deps.services;
    const t = portfolioText(actor.locale).admin;
    const result = await setPortfolioOpen(s, actor, data.portfolioId, open, activityId);
    return answer(
      s,
      actor,
      result,
      () => portfolioRefusalCard(actor.locale),
      (name) => fmt(open ? t.opened : t.closedNotice, { name }),
    );
  };

/** `portfolio.open`: opens the portfolio for applications. */
export const portfolioOpen = toggle(true);
/** `portfolio.close`: closes it to new applications; what exists stays. */
export const portfolioClose = toggle(false);
