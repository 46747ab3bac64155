import { DateTime } from 'luxon';
import { Services } from '../services';
import { queueCompletenessCheck } from '../review/completeness';
import { Actor } from '../shared/actor';
import { crashPoint } from '../shared/crash-points';
import { DomainError } from '../shared/domain-error';
import { isDuplicateKey } from '../store/store';
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
 * Submits a complete application: gives it the next registration number of the year, records
 * it, and tells the project office through the outbox.
 *
 * Registration numbers are gapless and unique (a registrar must account for every number). A
 * number is taken only by the write that submits the application, never before it:
 * - The truth is the applications themselves: the unique index on `regNo` lets at most one
 *   application hold a number, and a number exists only once an application holds it. There is
 *   no reservation that a crash, a refusal or a losing double-click could leave behind.
 * - The counter `regno:<year>` is only a hint: the highest number known to be taken (raised
 *   after each submit, never lowered). A submit tries hint + 1 in its compare-and-set on the
 *   application; when the unique index refuses it (another submit, on any instance, took that
 *   number since the hint was read, or a crash came before the hint was raised), it tries the
 *   next. Every number tried is at most one above the highest taken, so no gap can open.
 * - A crash (kill -9) before the write leaves nothing taken; after it, the application holds
 *   its number and a retry (the user clicks again) finds it submitted, writes the audit entry
 *   if it is missing (its id is derived from the submission) and queues the notices, both
 *   idempotently. A hint left behind costs the next submit one refused try.
 * - In one process, submits of the same year take turns, so each number is contended by at
 *   most one submit per instance (no storm of refused tries under a burst of submits).
 * See docs/architecture.md, "Registration numbers".
 */
export async function submitApplication(
  s: Services,
  actor: Actor,
  appId: unknown,
  activityId?: string,
): Promise<SubmitResult> {
  const app = await getOwnApplication(s, actor, appId);
  if (app.status === 'submitted' && app.regNo) return already(s, actor, app, activityId);
  if (!SUBMITTABLE.has(app.status))
    throw new DomainError('invalid_state', 'not submittable', { status: app.status });

  const ctx = await validationContext(s);
  const check = validateApplication(app.inputs, ctx);
  if (check.firstInvalidStep !== -1) {
    return { ok: false, app, firstInvalidStep: check.firstInvalidStep, byStep: check.byStep };
  }

  const now = s.clock();
  const resubmission = app.status === 'completion_requested';
  const data = check.values as unknown as SubmittedData;
  const submit = (number: { regNo?: string; regYear?: number; regSeq?: number }) =>
    s.applications.update(
      { _id: app._id, status: app.status, version: app.version },
      {
        $set: {
          status: 'submitted',
          data,
          ...number,
          submittedAt: now.toISOString(),
          updatedAt: now.toISOString(),
          step: app.step,
        },
        $unset: { reopenedSteps: true },
      },
    );
  const updated = app.regNo
    ? await submit({ regNo: app.regNo, regYear: app.regYear, regSeq: app.regSeq })
    : await submitWithNewNumber(
        s,
        DateTime.fromJSDate(now, { zone: 'Europe/Stockholm' }).year,
        submit,
      );
  if (!updated) {
    // Someone (a second click) got there first: report the state that won. No number was taken.
    const current = await getOwnApplication(s, actor, app._id);
    if (current.status === 'submitted') return already(s, actor, current, activityId);
    throw new DomainError('conflict', 'changed meanwhile');
  }
  await recordSubmission(s, actor, updated, resubmission, activityId);
  await enqueueNotices(s, updated);
  return { ok: true, app: updated, alreadySubmitted: false };
}

/** Submits of one year in this process, one at a time (see {@link submitApplication}). */
const turns = new Map<number, Promise<unknown>>();

/** Takes the lowest free number of the year in the same write that submits (gapless, unique). */
async function submitWithNewNumber(
  s: Services,
  year: number,
  submit: (number: {
    regNo: string;
    regYear: number;
    regSeq: number;
  }) => Promise<ApplicationDoc | null>,
): Promise<ApplicationDoc | null> {
  const previous = turns.get(year) ?? Promise.resolve();
  const mine = previous.then(async () => {
    const counter = `regno:${year}`;
    let seq = (await s.counters.current(counter)) + 1;
    for (;;) {
      crashPoint('submit.before-number');
      let updated: ApplicationDoc | null;
      try {
        updated = await submit({
          regNo: formatRegistrationNumber(year, seq),
          regYear: year,
          regSeq: seq,
        });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        seq++; // taken since the hint was read (another instance, or a hint a crash left behind)
        continue;
      }
      if (!updated) return null; // a second click or a change won: nothing was taken
      crashPoint('submit.after-number');
      await s.counters.raiseTo(counter, seq);
      return updated;
    }
  });
  const settled = mine.catch(() => undefined);
  turns.set(year, settled);
  void settled.then(() => {
    if (turns.get(year) === settled) turns.delete(year);
  });
  return mine;
}

/** A submitted application asked again (a double-click, or a retry after a crash). */
async function already(
  s: Services,
  actor: Actor,
  app: ApplicationDoc,
  activityId?: string,
): Promise<SubmitResult> {
  const earlier = await s.audit.forEntity(app._id);
  if (!earlier.some((e) => e._id === submissionAuditId(app))) {
    // A crash came between the submit and its audit entry: write it now (once, whatever races).
    const resubmission = earlier.some((e) => e.action === 'application.submitted');
    await recordSubmission(s, actor, app, resubmission, activityId);
  }
  await enqueueNotices(s, app);
  return { ok: true, app, alreadySubmitted: true };
}

/** One audit entry per submission: its id comes from the application and the submit time. */
const submissionAuditId = (app: ApplicationDoc): string =>
  `submit:${app._id}:${app.submittedAt ?? ''}`;

async function recordSubmission(
  s: Services,
  actor: Actor,
  app: ApplicationDoc,
  resubmission: boolean,
  activityId?: string,
): Promise<void> {
  try {
    await s.audit.append({
      _id: submissionAuditId(app),
      at: app.submittedAt ?? s.clock().toISOString(),
      actorId: app.ownerId,
      actorName: actor.name,
      action: resubmission ? 'application.resubmitted' : 'application.submitted',
      entityType: 'application',
      entityId: app._id,
      before: { status: resubmission ? 'completion_requested' : 'draft' },
      after: { status: 'submitted', regNo: app.regNo },
      activityId,
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

/** The project office's completeness check (issue 3): a card with "Komplett" / "Begär komplettering". */
async function enqueueNotices(s: Services, app: ApplicationDoc): Promise<void> {
  await queueCompletenessCheck(s, app);
}
