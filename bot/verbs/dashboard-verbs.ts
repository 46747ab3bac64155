import { refusalCard } from '../../cards/common-cards';
import {
  dashboardApplicationsCard,
  dashboardExportsCard,
  dashboardOverviewCard,
  dashboardPortfolioCard,
} from '../../cards/dashboard-cards';
import { AdaptiveCard } from '../../cards/render';
import { insightText } from '../../cards/strings/insight-strings';
import { EXPORT_LINK_TTL_SECONDS, signedUrl } from '../../services/decisions/signed-links';
import {
  parseYear,
  portfolioApplications,
  portfolioDashboard,
} from '../../services/insight/dashboard';
import { issueInsightExports } from '../../services/insight/insight-exports';
import type { Actor } from '../../services/shared/actor';
import { fiscalYearOf } from '../../services/shared/dates';
import { DomainError } from '../../services/shared/domain-error';
import { BotDeps, VerbHandler } from '../handler-types';

/**
 * A refusal from the insight or privacy services as a card: the reason picks the sentence;
 * anything that is not a refusal is thrown on, so the bot logs it.
 */
export function insightRefusal(err: unknown, actor: Actor): AdaptiveCard {
  if (!(err instanceof DomainError)) throw err;
  const t = insightText(actor.locale).refusals;
  const reason = typeof err.params.reason === 'string' ? err.params.reason : '';
  const text =
    t[reason] ??
    (err.code === 'forbidden' ? t.dashboard : err.code === 'not_found' ? t.portfolio : t.year);
  return refusalCard(actor.locale, text);
}

const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';

/** The yearly overview for a person allowed to see it (the year from a command or the selector). */
export async function dashboardCardFor(
  deps: BotDeps,
  actor: Actor,
  rawYear: unknown,
): Promise<AdaptiveCard> {
  try {
    const s = deps.services;
    const year = parseYear(rawYear, s.clock());
    return dashboardOverviewCard(actor.locale, await portfolioDashboard(s, actor, year));
  } catch (err) {
    return insightRefusal(err, actor);
  }
}

/** `dashboard.show`: the overview of the year chosen in the selector (or carried by a back button). */
export const dashboardShow: VerbHandler = async (_context, { deps, actor, data }) =>
  dashboardCardFor(deps, actor, data.year);

/** `dashboard.portfolio`: drill down into one portfolio. */
export const dashboardPortfolio: VerbHandler = async (_context, { deps, actor, data }) => {
  try {
    const s = deps.services;
    const dashboard = await portfolioDashboard(s, actor, parseYear(data.year, s.clock()));
    const card = dashboardPortfolioCard(actor.locale, dashboard, str(data.portfolioId));
    if (!card) throw new DomainError('not_found', 'portfolio not found', { reason: 'portfolio' });
    return card;
  } catch (err) {
    return insightRefusal(err, actor);
  }
};

/** `dashboard.applications`: one page of a portfolio's applications in the year. */
export const dashboardApplications: VerbHandler = async (_context, { deps, actor, data }) => {
  try {
    const s = deps.services;
    const year = parseYear(data.year, s.clock()) ?? fiscalYearOf(s.clock());
    const portfolioId = str(data.portfolioId);
    const page = await portfolioApplications(s, actor, portfolioId, year, Number(data.page ?? 0));
    const portfolio = (await s.portfolios.get(portfolioId))!;
    return dashboardApplicationsCard(actor.locale, page, portfolio);
  } catch (err) {
    return insightRefusal(err, actor);
  }
};

/** `dashboard.exports`: an admin gets short-lived signed links to the register and follow-up exports. */
export const dashboardExports: VerbHandler = async (
  _context,
  { deps, actor, data, activityId },
) => {
  try {
    const s = deps.services;
    const year = parseYear(data.year, s.clock()) ?? fiscalYearOf(s.clock());
    const issued = await issueInsightExports(s, actor, activityId);
    const now = s.clock();
    const links = issued.map((l) => ({
      kind: l.kind,
      url: signedUrl(deps.config.publicBaseUrl, l.path, deps.config.exportSigningSecret, now),
    }));
    return dashboardExportsCard(
      actor.locale,
      links,
      new Date(now.getTime() + EXPORT_LINK_TTL_SECONDS * 1000),
      year,
    );
  } catch (err) {
    return insightRefusal(err, actor);
  }
};
