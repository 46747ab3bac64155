import { AdaptiveCard } from '../../cards/render';
import {
  askFormCard,
  ASK_APPLICATIONS_SHOWN,
  coachNoticeCard,
  coachTextError,
  faqSearchCard,
  questionSentCard,
  suggestionsCard,
} from '../../cards/coach-cards';
import { coachStrings } from '../../cards/strings/coach-strings';
import {
  applicationContext,
  askQuestion,
  checkCoachText,
} from '../../services/coaching/ask-question';
import { COACH_LIMITS } from '../../services/coaching/coach-question';
import { searchFaq } from '../../services/coaching/faq-entries';
import { Actor } from '../../services/shared/actor';
import { DomainError } from '../../services/shared/domain-error';
import { BotDeps, CommandHandler } from '../handler-types';
import { sendCard } from '../send';

/** What the applicant sent to ask: the question and, from a wizard or status card, its application. */
export interface AskRequest {
  question: unknown;
  appId?: unknown;
  step?: unknown;
  /** The applicant saw the FAQ suggestions and still wants a coach. */
  skipFaq?: boolean;
  organisation?: string;
}

/**
 * The ask flow shared by `fråga <text>` and the ask card: check the text, offer matching FAQ
 * answers first, then post the question to the coaches. Refusals come back as the form with
 * the typed text kept and the reason shown.
 */
export async function askFlow(
  deps: BotDeps,
  actor: Actor,
  req: AskRequest,
  activityId?: string,
): Promise<AdaptiveCard> {
  const s = deps.services;
  const locale = actor.locale;
  const appId = typeof req.appId === 'string' && req.appId !== '' ? req.appId : undefined;
  const context = appId ? await applicationContext(s, actor, appId, req.step) : null;
  const typed = typeof req.question === 'string' ? req.question : '';
  const form = async (error: string): Promise<AdaptiveCard> =>
    askFormCard(locale, {
      question: typed,
      error,
      context,
      applications: context
        ? []
        : await s.applications.recentOpenByOwner(actor.aadObjectId, ASK_APPLICATIONS_SHOWN),
      applicationId: appId,
    });
  try {
    const text = checkCoachText(req.question, COACH_LIMITS.question);
    if (!req.skipFaq) {
      const hits = await searchFaq(s, text, { portfolioId: context?.portfolioId });
      if (hits.length > 0)
        return suggestionsCard(locale, text, hits, await s.portfolios.all(), {
          appId,
          step: req.step,
        });
    }
    const q = await askQuestion(
      s,
      actor,
      { text, appId, step: req.step, organisation: req.organisation },
      activityId,
    );
    return questionSentCard(locale, q);
  } catch (err) {
    if (
      err instanceof DomainError &&
      err.code === 'invalid_input' &&
      err.params.reason !== undefined
    ) {
      return form(coachTextError(locale, err.params.reason, err.params, 'ask'));
    }
    if (err instanceof DomainError && err.params.reason === 'no_channel')
      return form(coachStrings[locale].noChannel);
    throw err;
  }
}

/** `fråga <text>` / `ask <text>`: asks the coaches (FAQ first); without text, the ask card. */
export const askCommand: CommandHandler = async (context, { deps, actor, args, activityId }) => {
  if (args.trim() === '') {
    const applications = await deps.services.applications.recentOpenByOwner(
      actor.aadObjectId,
      ASK_APPLICATIONS_SHOWN,
    );
    await sendCard(context, askFormCard(actor.locale, { applications }));
    return;
  }
  const prefill = await deps.lookupProfile(context, actor);
  await sendCard(
    context,
    await askFlow(deps, actor, { question: args, organisation: prefill.organisation }, activityId),
  );
};

/** `hjälp <sökord>`: matching FAQ entries (or how to ask a coach when none match). */
export async function faqHelpCard(
  deps: BotDeps,
  actor: Actor,
  query: string,
  personal: boolean,
): Promise<AdaptiveCard> {
  const s = deps.services;
  const q = query.trim().slice(0, COACH_LIMITS.question);
  if (!q) return coachNoticeCard(actor.locale, coachStrings[actor.locale].ask.empty);
  const hits = await searchFaq(s, q, { minScore: 0.2, limit: 5 });
  return faqSearchCard(actor.locale, q, hits, await s.portfolios.all(), personal);
}
