import { TurnContext } from 'botbuilder';
import {
  allocationCard,
  allocationRefusalCard,
  exportLinksCard,
} from '../../cards/allocation-cards';
import { frameFormCard, framesOverviewCard, FrameDraft } from '../../cards/frame-cards';
import { AdaptiveCard } from '../../cards/render';
import { fmt } from '../../cards/strings';
import { allocationText } from '../../cards/strings/allocation-strings';
import { AllocationRights, rightsOf } from '../../services/allocation/access';
import { roundState } from '../../services/allocation/round-state';
import {
  applyWhatIf,
  confirmRound,
  delegationDefault,
  loadPortfolio,
  loadRound,
  type RoundOutcome,
  viewRound,
} from '../../services/allocation/allocate';
import {
  frameOf,
  framesOverview,
  intOf,
  setFrame,
  validFrameYear,
} from '../../services/allocation/frames';
import { correctDecision } from '../../services/decisions/correct-decision';
import { exportLinks } from '../../services/decisions/export-links';
import { Actor } from '../../services/shared/actor';
import { DomainError } from '../../services/shared/domain-error';
import { BotDeps, VerbHandler, VerbRequest } from '../handler-types';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const pageOf = (data: Record<string, unknown>): number => {
  const n = intOf(data.page);
  return Number.isNaN(n) || n < 1 || n > 10_000 ? 1 : n;
};

/**
 * Turns an allocation refusal into a card: the round's card with the refusal on top when the
 * person may see the round (a chair who clicked "confirm"), otherwise a plain refusal.
 */
async function refusalFor(
  err: unknown,
  deps: BotDeps,
  actor: Actor,
  data: Record<string, unknown>,
  scope: VerbRequest['scope'],
): Promise<AdaptiveCard> {
  if (!(err instanceof DomainError) || typeof err.params.reason !== 'string') throw err;
  const t = allocationText(actor.locale);
  const refusal = fmt(
    (t.refusals as Record<string, string>)[err.params.reason] ?? t.refusals.error,
    err.params,
  );
  try {
    const round = await loadRound(deps.services, data.roundId);
    const rights = await rightsOf(deps.services, actor, round.portfolioId);
    // The card stays for everyone who clicked on it (it is in their channel already), with the
    // reason on their view and only the forms they may use.
    const viewer = rights.chair || rights.decisionMaker || rights.admin;
    // Outside a channel the card is nobody else's: someone without the right gets no proposal.
    if (!viewer && scope !== 'channel')
      return allocationRefusalCard(actor.locale, err.params.reason, err.params);
    const view = viewer
      ? await viewRound(deps.services, actor, round._id)
      : {
          state: await roundState(
            deps.services,
            round,
            await loadPortfolio(deps.services, round.portfolioId),
          ),
        };
    return allocationCard(view, actor.locale, {
      page: pageOf(data),
      refusal,
      delegationDefault: await delegationDefault(deps.services),
      viewer: viewerOf(rights),
    });
  } catch (inner) {
    if (!(inner instanceof DomainError)) throw inner;
  }
  return allocationRefusalCard(actor.locale, err.params.reason, err.params);
}

/** The forms a person may use on the allocation card. */
function viewerOf(rights: AllocationRights): { whatIf: boolean; decide: boolean } {
  return { whatIf: rights.chair || rights.decisionMaker, decide: rights.decisionMaker };
}

/** Runs a round verb and renders the round's card (the person's own view), or the refusal. */
function roundVerb(run: (req: VerbRequest) => Promise<RoundOutcome>): VerbHandler {
  return async (_context: TurnContext, req) => {
    try {
      const outcome = await run(req);
      const rights = await rightsOf(req.deps.services, req.actor, outcome.state.round.portfolioId);
      return allocationCard(outcome, req.actor.locale, {
        page: pageOf(req.data),
        delegationDefault: await delegationDefault(req.deps.services),
        viewer: viewerOf(rights),
      });
    } catch (err) {
      return refusalFor(err, req.deps, req.actor, req.data, req.scope);
    }
  };
}

/** `allocation.refresh`: the round's card as it stands now. */
export const allocationRefresh: VerbHandler = roundVerb(({ deps, actor, data }) =>
  viewRound(deps.services, actor, data.roundId),
);

/** `allocation.page`: another page of a long item list. */
export const allocationPage: VerbHandler = allocationRefresh;

/** `allocation.whatIf`: force an item in or out, fund a reduced amount, or clear; recomputed at once. */
export const allocationWhatIf: VerbHandler = roundVerb(({ deps, actor, data, activityId }) =>
  applyWhatIf(
    deps.services,
    actor,
    data.roundId,
    {
      itemId: data.wi_item,
      action: data.wi_action,
      amount: data.wi_amount,
      reason: data.wi_reason,
    },
    activityId,
  ),
);

/** `allocation.confirm`: a decision maker confirms the proposal they saw; the decisions are recorded. */
export const allocationConfirm: VerbHandler = roundVerb(({ deps, actor, data, activityId }) =>
  confirmRound(deps.services, actor, data.roundId, data.digest, data.delegation, activityId, {
    ask: data.step === 'ask',
  }),
);

/** `decision.correct`: a decision maker records a correction that supersedes a decision. */
export const decisionCorrect: VerbHandler = roundVerb(({ deps, actor, data, activityId }) =>
  correctDecision(
    deps.services,
    actor,
    data.roundId,
    {
      decisionId: data.co_decision,
      outcome: data.co_outcome,
      amount: data.co_amount,
      reason: data.co_reason,
      delegation: data.co_delegation,
    },
    activityId,
  ),
);

/** `allocation.exports`: signed, short-lived links to the round's protocol and the public register. */
export const allocationExports: VerbHandler = async (_context, { deps, actor, data, scope }) => {
  try {
    const links = await exportLinks(
      deps.services,
      actor,
      data.roundId,
      deps.config.exportSigningSecret,
      deps.config.publicBaseUrl,
    );
    return exportLinksCard(actor.locale, links.roundId, links);
  } catch (err) {
    return refusalFor(err, deps, actor, data, scope);
  }
};

/** `frame.list`: every portfolio's frames (project office). */
export const frameList: VerbHandler = async (_context, { deps, actor }) => {
  if (!(await deps.services.users.hasRole(actor.aadObjectId, 'admin')))
    return allocationRefusalCard(actor.locale, 'admin_only');
  return framesOverviewCard(await framesOverview(deps.services), actor.locale);
};

/** `frame.edit`: the form for the portfolio and year picked on the overview. */
export const frameEdit: VerbHandler = async (_context, { deps, actor, data }) => {
  const s = deps.services;
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin')))
    return allocationRefusalCard(actor.locale, 'admin_only');
  const [portfolioId, rawYear] = text(data.frame_key).split('|');
  const portfolio =
    portfolioId && portfolioId.length <= 64 ? await s.portfolios.get(portfolioId) : null;
  const year = intOf(rawYear);
  if (!portfolio) return framesOverviewCard(await framesOverview(s), actor.locale);
  if (!validFrameYear(year, s.clock())) return allocationRefusalCard(actor.locale, 'bad_year');
  return frameFormCard(portfolio, year, await frameOf(s, portfolio, year), actor.locale);
};

/** `frame.save`: sets the frame and its three shares; errors come back on the form as typed. */
export const frameSave: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  const s = deps.services;
  const t = allocationText(actor.locale).frames;
  const draft: FrameDraft = {
    amount: text(data.frame_amount),
    innovation: text(data.frame_innovation),
    improvement: text(data.frame_improvement),
    maintenance: text(data.frame_maintenance),
  };
  try {
    const result = await setFrame(
      s,
      actor,
      data.portfolioId,
      data.year,
      data.frameVersion,
      {
        amount: data.frame_amount,
        shares: {
          innovation: data.frame_innovation,
          improvement: data.frame_improvement,
          maintenance: data.frame_maintenance,
        },
      },
      activityId,
    );
    const portfolio = (await s.portfolios.get(text(data.portfolioId)))!;
    const year = intOf(data.year);
    if (result.ok) {
      return frameFormCard(portfolio, year, result.frame, actor.locale, {
        notice: result.unchanged ? t.unchanged : t.saved,
        noticeColor: 'Good',
      });
    }
    if ('changed' in result)
      return frameFormCard(portfolio, year, result.current, actor.locale, {
        notice: t.changed,
        noticeColor: 'Warning',
      });
    return frameFormCard(portfolio, year, result.current, actor.locale, {
      draft,
      errors: result.errors,
    });
  } catch (err) {
    if (err instanceof DomainError && typeof err.params.reason === 'string')
      return allocationRefusalCard(actor.locale, err.params.reason, err.params);
    throw err;
  }
};
