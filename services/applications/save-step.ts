import { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { ApplicationDoc } from './application';
import { getOwnApplication } from './get-own-application';
import { StepValidation, validateStep } from './validate-step';
import { STEPS, STEP_COUNT } from './wizard-steps';
import { validationContext } from './validation-context';

export type StepMove = 'next' | 'back' | 'stay' | 'summary';

export interface SaveStepResult {
  app: ApplicationDoc;
  validation: StepValidation;
  /** True when the wizard moved on; false when the user must fix errors first. */
  moved: boolean;
}

const EDITABLE = new Set(['draft', 'completion_requested']);
const MAX_INPUT_CHARS = 20_000;

/**
 * Saves what the user typed on one step (always, even when invalid, so nothing is lost) and
 * moves the wizard: forwards only when the step is valid, backwards always.
 */
export async function saveStep(
  s: Pick<Services, 'applications' | 'audit' | 'clock' | 'portfolios'>,
  actor: Actor,
  appId: unknown,
  stepIndexRaw: unknown,
  rawInputs: Record<string, unknown>,
  move: StepMove,
  activityId?: string,
): Promise<SaveStepResult> {
  const app = await getOwnApplication(s, actor, appId);
  if (!EDITABLE.has(app.status)) throw new DomainError('invalid_state', 'not editable', { status: app.status });
  const stepIndex = Number(stepIndexRaw);
  if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex >= STEP_COUNT) {
    throw new DomainError('invalid_input', 'bad step');
  }
  const step = STEPS[stepIndex];
  if (app.status === 'completion_requested' && app.reopenedSteps && !app.reopenedSteps.includes(step.id)) {
    throw new DomainError('invalid_state', 'step not reopened');
  }

  // Only this step's own fields are taken from the card; anything else in the payload is ignored.
  const set: Record<string, unknown> = {};
  const before: Record<string, string | undefined> = {};
  for (const field of step.fields) {
    if (!(field.id in rawInputs)) continue;
    const raw = rawInputs[field.id];
    const value = raw === null || raw === undefined ? '' : typeof raw === 'string' ? raw : String(raw);
    if (value.length > MAX_INPUT_CHARS) {
      // Refused with its limit, never truncated: the previous text stays.
      continue;
    }
    if (app.inputs[field.id] !== value) {
      set[`inputs.${field.id}`] = value;
      before[field.id] = app.inputs[field.id];
    }
  }
  const inputs = { ...app.inputs };
  for (const [k, v] of Object.entries(set)) inputs[k.slice('inputs.'.length)] = v as string;
  for (const field of step.fields) {
    const raw = rawInputs[field.id];
    if (typeof raw === 'string' && raw.length > MAX_INPUT_CHARS) inputs[field.id] = raw;
  }

  const ctx = await validationContext(s, { portfolioId: app.inputs.portfolioId, part: app.inputs.part });
  const validation = validateStep(step, inputs, ctx);
  let nextStep = stepIndex;
  if (move === 'back') nextStep = Math.max(0, stepIndex - 1);
  else if ((move === 'next' || move === 'summary') && validation.errors.length === 0) {
    nextStep = move === 'summary' ? STEP_COUNT : Math.min(STEP_COUNT, stepIndex + 1);
    if (app.status === 'completion_requested' && app.reopenedSteps) {
      const later = STEPS.findIndex((st, i) => i > stepIndex && app.reopenedSteps!.includes(st.id));
      nextStep = later === -1 ? STEP_COUNT : later;
    }
  }
  const moved = nextStep !== stepIndex || (move === 'stay' && validation.errors.length === 0);
  const now = s.clock().toISOString();
  const updated = await s.applications.update(
    { _id: app._id, status: app.status },
    { $set: { ...set, step: nextStep, reached: Math.max(app.reached, nextStep), updatedAt: now } },
  );
  if (!updated) throw new DomainError('conflict', 'changed meanwhile');
  if (Object.keys(set).length > 0) {
    await s.audit.append({
      at: now,
      actorId: app.ownerId,
      actorName: actor.name,
      action: 'application.step_saved',
      entityType: 'application',
      entityId: app._id,
      before: { step: step.id, inputs: before },
      after: { step: step.id, inputs: Object.fromEntries(Object.entries(set).map(([k, v]) => [k.slice(7), v])) },
      activityId,
    });
  }
  return { app: updated, validation, moved };
}
