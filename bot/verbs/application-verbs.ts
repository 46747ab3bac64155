import {
  applicationsListCard,
  submittedCard,
  summaryCard,
  withdrawConfirmCard,
  wizardStepCard,
} from '../../cards/application-cards';
import { messageCard } from '../../cards/application-cards';
import { fmt, strings } from '../../cards/strings';
import { escapeMarkdown } from '../../cards/render';
import { getOwnApplication } from '../../services/applications/get-own-application';
import { saveStep, StepMove } from '../../services/applications/save-step';
import { startApplication } from '../../services/applications/start-application';
import { submitApplication } from '../../services/applications/submit-application';
import { validateApplication } from '../../services/applications/validate-step';
import { validationContext } from '../../services/applications/validation-context';
import { withdrawApplication } from '../../services/applications/withdraw-application';
import { STEP_COUNT, STEPS } from '../../services/applications/wizard-steps';
import { VerbHandler } from '../handler-types';

/** Card inputs arrive merged into the action data; everything but our own keys is input. */
function inputsOf(data: Record<string, unknown>): Record<string, unknown> {
  const { appId: _a, step: _s, target: _t, ...rest } = data;
  return rest;
}

const move =
  (direction: StepMove): VerbHandler =>
  async (_context, { deps, actor, data, activityId }) => {
    const s = deps.services;
    const result = await saveStep(s, actor, data.appId, data.step, inputsOf(data), direction, activityId);
    const portfolios = await s.portfolios.all();
    const t = strings(actor.locale);
    if (result.app.step >= STEP_COUNT) {
      const check = validateApplication(result.app.inputs, await validationContext(s));
      return summaryCard({ app: result.app, portfolios, locale: actor.locale, byStep: check.byStep });
    }
    const stay = result.app.step === Number(data.step);
    return wizardStepCard({
      app: result.app,
      stepIndex: result.app.step,
      validation: stay ? result.validation : undefined,
      portfolios,
      locale: actor.locale,
      notice: direction === 'stay' && result.validation.errors.length === 0 ? t.savedDraft : undefined,
    });
  };

/** `application.next`: save this step and go on when it is valid. */
export const applicationNext = move('next');
/** `application.back`: save what was typed and go back, without validation blocking. */
export const applicationBack = move('back');
/** `application.save`: save the draft and stay. */
export const applicationSave = move('stay');
/** `application.review`: save the last step and show the summary. */
export const applicationReview = move('summary');

/** `application.goto`: jump to a step (from the summary's "Ändra"). */
export const applicationGoto: VerbHandler = async (_context, { deps, actor, data }) => {
  const app = await getOwnApplication(deps.services, actor, data.appId);
  const target = Number(data.target);
  const stepIndex = Number.isInteger(target) && target >= 0 && target < STEP_COUNT ? target : 0;
  const portfolios = await deps.services.portfolios.all();
  if (app.status !== 'draft' && app.status !== 'completion_requested') {
    return summaryCard({ app, portfolios, locale: actor.locale, readOnly: true });
  }
  if (app.reopenedSteps && !app.reopenedSteps.includes(STEPS[stepIndex].id)) {
    const first = STEPS.findIndex((st) => app.reopenedSteps!.includes(st.id));
    return wizardStepCard({ app, stepIndex: Math.max(0, first), portfolios, locale: actor.locale });
  }
  return wizardStepCard({ app, stepIndex, portfolios, locale: actor.locale });
};

/** `application.continue`: reopen a draft where the applicant left it. */
export const applicationContinue: VerbHandler = async (_context, { deps, actor, data }) => {
  const s = deps.services;
  const app = await getOwnApplication(s, actor, data.appId);
  const portfolios = await s.portfolios.all();
  if (app.status !== 'draft' && app.status !== 'completion_requested') {
    return summaryCard({ app, portfolios, locale: actor.locale, readOnly: true });
  }
  if (app.step >= STEP_COUNT) {
    const check = validateApplication(app.inputs, await validationContext(s));
    return summaryCard({ app, portfolios, locale: actor.locale, byStep: check.byStep });
  }
  return wizardStepCard({ app, stepIndex: app.step, portfolios, locale: actor.locale });
};

/** `application.view`: the full application, read-only, to its owner. */
export const applicationView: VerbHandler = async (_context, { deps, actor, data }) => {
  const app = await getOwnApplication(deps.services, actor, data.appId);
  const portfolios = await deps.services.portfolios.all();
  return summaryCard({ app, portfolios, locale: actor.locale, readOnly: true });
};

/** `application.submit`: submit, or show what is missing. */
export const applicationSubmit: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  const s = deps.services;
  const result = await submitApplication(s, actor, data.appId, activityId);
  if (result.ok) return submittedCard(result.app, actor.locale, result.alreadySubmitted);
  const portfolios = await s.portfolios.all();
  return summaryCard({ app: result.app, portfolios, locale: actor.locale, byStep: result.byStep });
};

/** `application.withdraw`: asks for confirmation first. */
export const applicationWithdraw: VerbHandler = async (_context, { deps, actor, data }) => {
  const app = await getOwnApplication(deps.services, actor, data.appId);
  return withdrawConfirmCard(app, actor.locale);
};

/** `application.withdrawConfirm`: withdraws (until a decision exists). */
export const applicationWithdrawConfirm: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  const app = await withdrawApplication(deps.services, actor, data.appId, activityId);
  const t = strings(actor.locale);
  return messageCard({
    title: t.status.withdrawn,
    lines: [{ text: fmt(t.withdraw.done, { title: escapeMarkdown(app.data?.title ?? app.inputs.title ?? t.list.untitled) }) }],
    actions: [{ title: t.actions.myApplications, verb: 'applications.list' }],
  });
};

/** `applications.list`: the applicant's list, in place. */
export const applicationsList: VerbHandler = async (_context, { deps, actor }) => {
  const apps = await deps.services.applications.byOwner(actor.aadObjectId);
  return applicationsListCard(apps, actor.locale);
};

/** `application.new`: a new draft from a button. */
export const applicationNew: VerbHandler = async (context, { deps, actor, activityId }) => {
  const s = deps.services;
  const prefill = await deps.lookupProfile(context, actor);
  const app = await startApplication(s, actor, prefill, activityId);
  return wizardStepCard({ app, stepIndex: 0, portfolios: await s.portfolios.all(), locale: actor.locale });
};
