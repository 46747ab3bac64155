import { DateTime } from 'luxon';
import { Services } from '../services';
import { queueCompletenessCheck } from '../review/completeness';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { ApplicationDoc, SubmittedData } from './application';
import { getOwnApplication } from './get-own-application';
import { formatRegistrationNumber } from './registration-number';
import { validateApplication, StepValidation } from './validate-step';
import { validationContext } from './validation-context';

export type SubmitResult =
  | { ok: true; app: ApplicationDoc; alreadySubmitted: boolean }
  | { ok: false; app: ApplicationDoc; firstInvalidStep: number; byStep: StepValidation[] };

const SUBMITTABLE = new Set(['draft', 'completion_requested']);

/**
 * Submits a complete application: assigns the next registration number of the year (unique
 * under any concurrency), records it, and tells the project office through the outbox.
 */
export async function submitApplication(
  s: Services,
  actor: Actor,
  appId: unknown,
  activityId?: string,
): Promise<SubmitResult> {
  const app = await getOwnApplication(s, actor, appId);
  if (app.status === 'submitted' && app.regNo) {
    await enqueueNotices(s, app);
    return { ok: true, app, alreadySubmitted: true };
  }
  if (!SUBMITTABLE.has(app.status)) throw new DomainError('invalid_state', 'not submittable', { status: app.status });

  const ctx = await validationContext(s);
  const check = validateApplication(app.inputs, ctx);
  if (check.firstInvalidStep !== -1) {
    return { ok: false, app, firstInvalidStep: check.firstInvalidStep, byStep: check.byStep };
  }

  const now = s.clock();
  const resubmission = app.status === 'completion_requested';
  let regNo = app.regNo;
  let regYear = app.regYear;
  let regSeq = app.regSeq;
  if (!regNo) {
    regYear = DateTime.fromJSDate(now, { zone: 'Europe/Stockholm' }).year;
    regSeq = await s.counters.next(`regno:${regYear}`);
    regNo = formatRegistrationNumber(regYear, regSeq);
  }
  const data = check.values as unknown as SubmittedData;
  const updated = await s.applications.update(
    { _id: app._id, status: app.status, version: app.version },
    {
      $set: {
        status: 'submitted',
        data,
        regNo,
        regYear,
        regSeq,
        submittedAt: now.toISOString(),
        updatedAt: now.toISOString(),
        step: app.step,
      },
      $unset: { reopenedSteps: true },
    },
  );
  if (!updated) {
    // Someone (a second click) got there first: report the state that won.
    const current = await getOwnApplication(s, actor, app._id);
    if (current.status === 'submitted') return { ok: true, app: current, alreadySubmitted: true };
    throw new DomainError('conflict', 'changed meanwhile');
  }
  await s.audit.append({
    at: now.toISOString(),
    actorId: updated.ownerId,
    actorName: actor.name,
    action: resubmission ? 'application.resubmitted' : 'application.submitted',
    entityType: 'application',
    entityId: updated._id,
    before: { status: app.status },
    after: { status: 'submitted', regNo },
    activityId,
  });
  await enqueueNotices(s, updated);
  return { ok: true, app: updated, alreadySubmitted: false };
}

/** The project office's completeness check (issue 3): a card with "Komplett" / "Begär komplettering". */
async function enqueueNotices(s: Services, app: ApplicationDoc): Promise<void> {
  await queueCompletenessCheck(s, app);
}
