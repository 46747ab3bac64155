import {
  deleteDraftConfirmCard,
  draftDeletedCard,
  submittedCard,
  summaryCard,
  withdrawConfirmCard,
  wizardStepCard,
} from '../../cards/application-cards';
import { messageCard } from '../../cards/application-cards';
import { fmt, strings } from '../../cards/strings';
import { escapeMarkdown } from '../../cards/render';
import { ApplicationDoc } from '../../services/applications/application';
import { deleteDraft } from '../../services/applications/delete-draft';
import { getOwnApplication } from '../../services/applications/get-own-application';
import { saveStep, StepMove } from '../../services/applications/save-step';
import { startApplicationIfOpen } from '../../services/applications/start-application';
import { noOpenPortfolioCard } from '../../cards/portfolio-cards';
import { submitApplication } from '../../services/applications/submit-application';
import { StepValidation, validateApplication, validateStep } from '../../services/applications/validate-step';
import { validationContext } from '../../services/applications/validation-context';
import { withdrawApplication } from '../../services/applications/withdraw-application';
import { STEP_COUNT, STEPS } from '../../services/applications/wizard-steps';
import { Services } from '../../services/services';
import { BotDeps, VerbHandler } from '../handler-types';
import { ownApplicationsCard } from './applications-page-verb';

/**
 * Card inputs arrive merged into the action data; everything but our own keys is input. Teams and
 * the Playground leave an emptied Input.Text (and an empty multi-select) out of the data, so an
 * input the card had (its ids travel in `inputIds`) that the data lacks was emptied.
 */
export function inputsOf(data: Record<string, unknown>): Record<string, unknown> {
  const { appId: _a, step: _s, target: _t, inputIds, ...rest } = data;
  const ids = typeof inputIds === 'string' ? inputIds.split(',') : Array.isArray(inputIds) ? inputIds : [];
  for (const id of ids.slice(0, 100)) {
    if (typeof id === 'string' && /^[A-Za-z0-9]{1,40}$/.test(id) && !(id in rest)) rest[id] = '';
  }
  return rest;
}

/** What the step card shows beside its fields: the warnings always (the budget year), the errors when asked. */
async function stepValidation(
  s: Services,
  app: ApplicationDoc,
  stepIndex: number,
  withErrors?: StepValidation,
): Promise<StepValidation> {
  if (withErrors) return withErrors;
  const v = validateStep(STEPS[stepIndex], app.inputs, await validationContext(s));
  return { errors: [], warnings: v.warnings, values: v.values };
}

/** The office's request for completion, repeated on the reopened steps. */
async function officeNoteOf(s: Services, app: ApplicationDoc): Promise<{ byName: string; note: string } | undefined> {
  if (app.status !== 'completion_requested') return undefined;
  const checks = await s.review.checksFor(app._id);
  const request = [...checks].reverse().find((c) => c.status === 'completion_requested');
  if (!request) return undefined;
  return { byName: request.decidedByName ?? '', note: request.note ?? '' };
}

/** The wizard card for a step, with its warnings and (on a reopened application) the office's note. */
async function stepCard(deps: BotDeps, actor: { locale: 'sv' | 'en' }, app: ApplicationDoc, stepIndex: number, extra: { errors?: StepValidation; notice?: string } = {}) {
  const s = deps.services;
  return wizardStepCard({
    app,
    stepIndex,
    validation: await stepValidation(s, app, stepIndex, extra.errors),
    portfolios: await s.portfolios.all(),
    locale: actor.locale,
    notice: extra.notice,
    officeNote: await officeNoteOf(s, app),
  });
}

const move =
  (direction: StepMove): VerbHandler =>
  async (_context, { deps, actor, data, activityId }) => {
    const s = deps.services;
    const result = await saveStep(s, actor, data.appId, data.step, inputsOf(data), direction, activityId);
    const t = strings(actor.locale);
    if (result.app.step >= STEP_COUNT) {
      const portfolios = await s.portfolios.all();
      const check = validateApplication(result.app.inputs, await validationContext(s));
      return summaryCard({ app: result.app, portfolios, locale: actor.locale, byStep: check.byStep });
    }
    const stay = result.app.step === Number(data.step);
    return stepCard(deps, actor, result.app, result.app.step, {
      errors: stay ? result.validation : undefined,
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
    return stepCard(deps, actor, app, Math.max(0, first));
  }
  return stepCard(deps, actor, app, stepIndex);
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
  return stepCard(deps, actor, app, app.step);
};

/** `application.view`: the full application, read-only, to its owner. */
export const applicationView: VerbHandler = async (_context, { deps, actor, data }) => {
  const app = await getOwnApplication(deps.services, actor, data.appId);
  const portfolios = await deps.services.portfolios.all();
  const check = validateApplication(app.inputs, await validationContext(deps.services));
  const warningsOnly = check.byStep.map((v) => ({ errors: [], warnings: v.warnings, values: v.values }));
  return summaryCard({ app, portfolios, locale: actor.locale, readOnly: true, byStep: warningsOnly });
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

/** `application.deleteDraft`: asks before a draft is deleted (a submitted application is withdrawn instead). */
export const applicationDeleteDraft: VerbHandler = async (_context, { deps, actor, data }) => {
  const app = await getOwnApplication(deps.services, actor, data.appId);
  if (app.status !== 'draft') return withdrawConfirmCard(app, actor.locale);
  return deleteDraftConfirmCard(app, actor.locale);
};

/** `application.deleteDraftConfirm`: deletes the draft (audited) and says so. */
export const applicationDeleteDraftConfirm: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  const { app } = await deleteDraft(deps.services, actor, data.appId, activityId);
  return draftDeletedCard(app, actor.locale);
};

/** `applications.list`: the applicant's list, in place (its first page). */
export const applicationsList: VerbHandler = async (_context, { deps, actor }) =>
  ownApplicationsCard(deps.services, actor, 1);

/** `application.new`: a new draft from a button. */
export const applicationNew: VerbHandler = async (context, { deps, actor, activityId }) => {
  const s = deps.services;
  const prefill = await deps.lookupProfile(context, actor);
  const started = await startApplicationIfOpen(s, actor, prefill, activityId);
  if (!started.ok) return noOpenPortfolioCard(actor.locale);
  return stepCard(deps, actor, started.app, 0);
};
