import {
  askFormCard,
  ASK_APPLICATIONS_SHOWN,
  coachNoticeCard,
  coachTextError,
  faqFormCard,
  RelayModel,
  relayCard,
  threadCard,
} from '../../cards/coach-cards';
import { AdaptiveCard } from '../../cards/render';
import { fmt } from '../../cards/strings';
import { coachStrings } from '../../cards/strings/coach-strings';
import { saveStep } from '../../services/applications/save-step';
import { applicationContext } from '../../services/coaching/ask-question';
import {
  claimQuestion,
  getQuestionForCoach,
  resolveQuestion,
} from '../../services/coaching/claim-resolve';
import { getOwnQuestion, recordApplicantReply } from '../../services/coaching/coach-messages';
import { CoachQuestionDoc } from '../../services/coaching/coach-question';
import { threadCardData } from '../../services/coaching/coach-thread';
import { faqDraft, saveFaqEntry } from '../../services/coaching/faq-entries';
import { Services } from '../../services/services';
import { Actor } from '../../services/shared/actor';
import { DomainError } from '../../services/shared/domain-error';
import { askFlow } from '../commands/ask-command';
import { refreshCoachRoster } from '../coach-relay';
import { VerbHandler } from '../handler-types';

const OWN_KEYS = new Set(['appId', 'step', 'target', 'question', 'applicationId', 'skipFaq']);

/** The wizard's inputs in a card action's data (everything but our own keys). */
function wizardInputs(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => !OWN_KEYS.has(k)));
}

const asString = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * `coach.askForm`: "Fråga en coach" on a wizard step or the status list. What the applicant had
 * typed on the step is saved first (as "Spara" would), so opening the question loses nothing.
 */
export const coachAskForm: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  const s = deps.services;
  const appId = asString(data.appId);
  const question = asString(data.question);
  if (!appId) {
    return askFormCard(actor.locale, {
      question,
      applications: await s.applications.recentOpenByOwner(
        actor.aadObjectId,
        ASK_APPLICATIONS_SHOWN,
      ),
    });
  }
  const inputs = wizardInputs(data);
  if (Object.keys(inputs).length > 0 && data.step !== undefined && data.step !== '') {
    try {
      await saveStep(s, actor, appId, data.step, inputs, 'stay', activityId);
    } catch (err) {
      // Not editable (submitted, or a step that was not reopened): there is nothing to save.
      if (!(err instanceof DomainError)) throw err;
    }
  }
  const context = await applicationContext(s, actor, appId, data.step);
  return askFormCard(actor.locale, { question, context });
};

/** `coach.ask`: sends the question (after FAQ suggestions unless the applicant skipped them). */
export const coachAsk: VerbHandler = async (context, { deps, actor, data, activityId }) => {
  const appId = asString(data.appId) || asString(data.applicationId);
  const prefill = await deps.lookupProfile(context, actor);
  return askFlow(
    deps,
    actor,
    {
      question: data.question,
      appId,
      step: appId && appId === data.appId ? data.step : undefined,
      skipFaq: data.skipFaq === true || data.skipFaq === 'true',
      organisation: prefill.organisation,
    },
    activityId,
  );
};

/** `coach.enough`: the FAQ answered it. */
export const coachEnough: VerbHandler = async (_context, { actor }) =>
  coachNoticeCard(actor.locale, coachStrings[actor.locale].suggestions.thanks, 'Good');

function relayModelOf(q: CoachQuestionDoc, relayId: string): RelayModel | null {
  const m = relayId
    ? q.messages.find((x) => x.by === 'coach' && x.outboxId === relayId)
    : undefined;
  if (!m) return null;
  return {
    questionId: q._id,
    relayId,
    seq: q.seq,
    coachName: m.authorName,
    text: m.text,
    question: q.text,
    resolved: false,
  };
}

/** `coach.reply`: "Svara" on a relayed answer (or a choice of question): back into the thread. */
export const coachReply: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  const s = deps.services;
  const c = coachStrings[actor.locale];
  let own: CoachQuestionDoc;
  try {
    own = await getOwnQuestion(s, actor, data.questionId);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return coachNoticeCard(
      actor.locale,
      err.code === 'forbidden' ? c.refusals.notYours : c.refusals.notFound,
      'Attention',
    );
  }
  const relay = relayModelOf(own, asString(data.relayId));
  try {
    const { question, reopened, queued } = await recordApplicantReply(
      s,
      actor,
      own._id,
      data.reply,
      activityId,
    );
    const line = fmt(queued ? c.sent.queued : reopened ? c.sent.reopened : c.sent.replySent, {
      seq: question.seq,
    });
    return relay
      ? relayCard(actor.locale, relay, { notice: line })
      : coachNoticeCard(actor.locale, line, 'Good');
  } catch (err) {
    if (!(err instanceof DomainError) || err.code !== 'invalid_input') throw err;
    const error = coachTextError(actor.locale, err.params.reason, err.params, 'reply');
    return relay
      ? relayCard(actor.locale, relay, { error, reply: asString(data.reply) })
      : coachNoticeCard(actor.locale, error, 'Attention');
  }
};

/** The thread card for the coach who clicked, with a notice (refusals keep the card intact). */
async function cardFor(
  s: Services,
  actor: Actor,
  q: CoachQuestionDoc,
  notice?: string,
  color: 'Good' | 'Attention' | 'Warning' = 'Good',
): Promise<AdaptiveCard> {
  return threadCard(actor.locale, await threadCardData(s, q), { notice, noticeColor: color });
}

/** Runs a coach-only action; a non-coach gets a polite notice on the unchanged card. */
function coachAction(
  run: (args: Parameters<VerbHandler>[1], q: CoachQuestionDoc) => Promise<AdaptiveCard>,
): VerbHandler {
  return async (context, req) => {
    const s = req.deps.services;
    const id = req.data.questionId;
    const q =
      typeof id === 'string' && id.length <= 100 ? await s.coaching.questions.get(id) : null;
    if (!q)
      return coachNoticeCard(
        req.actor.locale,
        coachStrings[req.actor.locale].refusals.notFound,
        'Attention',
      );
    await refreshCoachRoster(context, s, q.channelId, req.actor);
    try {
      return await run(req, q);
    } catch (err) {
      if (err instanceof DomainError && err.params.reason === 'not_coach') {
        s.log.info(
          { questionId: q._id, actorId: req.actor.aadObjectId },
          'coach action refused: not a coach',
        );
        const current = (await s.coaching.questions.get(q._id)) ?? q;
        return cardFor(
          s,
          req.actor,
          current,
          coachStrings[req.actor.locale].notices.notCoach,
          'Attention',
        );
      }
      if (err instanceof DomainError && err.params.reason === 'faq_needs_resolved') {
        return cardFor(
          s,
          req.actor,
          q,
          coachStrings[req.actor.locale].notices.faqNeedsResolved,
          'Warning',
        );
      }
      throw err;
    }
  };
}

/** `coach.claim`: "Jag tar den". */
export const coachClaim = coachAction(async ({ deps, actor, activityId }, q) => {
  const { question, outcome } = await claimQuestion(deps.services, actor, q._id, activityId);
  const n = coachStrings[actor.locale].notices;
  const notice =
    outcome === 'claimedByOther'
      ? fmt(n.claimedByOther, { name: question.assigneeName ?? '' })
      : n[outcome];
  return cardFor(
    deps.services,
    actor,
    question,
    notice,
    outcome === 'claimed' || outcome === 'alreadyYours' ? 'Good' : 'Warning',
  );
});

/** `coach.resolve`: "Löst". */
export const coachResolve = coachAction(async ({ deps, actor, activityId }, q) => {
  const { question, outcome } = await resolveQuestion(deps.services, actor, q._id, activityId);
  const n = coachStrings[actor.locale].notices;
  const notice =
    outcome === 'resolved' ? fmt(n.resolved, { asker: question.askerName }) : n.alreadyResolved;
  return cardFor(
    deps.services,
    actor,
    question,
    notice,
    outcome === 'resolved' ? 'Good' : 'Warning',
  );
});

/** `coach.show`: the thread card as it is (after "Dölj ansökan" or a cancelled FAQ form). */
export const coachShow: VerbHandler = async (_context, { deps, actor, data }) => {
  const id = data.questionId;
  const q =
    typeof id === 'string' && id.length <= 100
      ? await deps.services.coaching.questions.get(id)
      : null;
  if (!q)
    return coachNoticeCard(actor.locale, coachStrings[actor.locale].refusals.notFound, 'Attention');
  return cardFor(deps.services, actor, q);
};

/** `coach.showApplication`: the application's key facts on the thread card (coaches only). */
export const coachShowApplication = coachAction(async ({ deps, actor }, q) => {
  const s = deps.services;
  await getQuestionForCoach(s, actor, q._id);
  const n = coachStrings[actor.locale].notices;
  if (!q.appId) return cardFor(s, actor, q, n.noApplication, 'Warning');
  const app = await s.applications.get(q.appId);
  if (!app) return cardFor(s, actor, q, n.applicationGone, 'Warning');
  return threadCard(actor.locale, await threadCardData(s, q), {
    app,
    portfolios: await s.portfolios.all(),
  });
});

/** `coach.faqForm`: the form to save a resolved question as a FAQ entry (coaches only). */
export const coachFaqForm = coachAction(async ({ deps, actor }, q) => {
  const s = deps.services;
  await getQuestionForCoach(s, actor, q._id);
  if (q.status !== 'resolved')
    throw new DomainError('invalid_state', 'not resolved', { reason: 'faq_needs_resolved' });
  return faqFormCard(actor.locale, q._id, await faqDraft(s, q), await s.portfolios.all());
});

/** `coach.faqSave`: saves the FAQ entry, or shows the form again with what to fix. */
export const coachFaqSave = coachAction(async ({ deps, actor, data, activityId }, q) => {
  const s = deps.services;
  const result = await saveFaqEntry(s, actor, q._id, data, activityId);
  if (!result.ok) {
    const values = {
      question: asString(data.faqQuestion),
      answer: asString(data.faqAnswer),
      portfolioId: asString(data.faqPortfolioId),
    };
    return faqFormCard(actor.locale, q._id, values, await s.portfolios.all(), result.errors);
  }
  return cardFor(s, actor, result.question, coachStrings[actor.locale].thread.faqSaved);
});
