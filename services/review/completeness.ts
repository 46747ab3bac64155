import { ApplicationDoc } from '../applications/application';
import { StepId, STEPS } from '../applications/wizard-steps';
import { personalKey } from '../conversations/conversation-repository';
import { notifyOffice } from '../notifications/notify-office';
import { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { checkText } from '../shared/text';
import { MemberDirectory } from './eligibility';
import { openReview } from './open-review';
import { CompletenessCheckDoc, ReviewItemDoc } from './review-types';

/** Outbox template of the project office's completeness card. */
export const COMPLETENESS_TEMPLATE = 'completeness-check';
/** Outbox template of the request for completion the applicant gets. */
export const COMPLETION_REQUEST_TEMPLATE = 'completion-request';

/** The longest note the office may send with a request for completion. */
export const MAX_NOTE_CHARS = 2000;

const checkId = (appId: string, submittedAt: string): string => `${appId}|${submittedAt}`;

/** One earlier round, as the office sees it on the card of a resubmitted application. */
export interface CheckHistoryEntry {
  round: number;
  submittedAt: string;
  status: CompletenessCheckDoc['status'];
  byName?: string;
  at?: string;
  missingSteps?: StepId[];
  note?: string;
}

/** The completeness card's content (also its outbox model): the application, its history, what changed. */
export interface CompletenessModel {
  appId: string;
  regNo: string;
  title: string;
  organisation: string;
  applicant: string;
  portfolio?: { number: number; name: { sv: string; en: string } };
  devCost?: number;
  yearlyRunningCost?: number;
  submittedAt: string;
  round: number;
  history: CheckHistoryEntry[];
  /** Fields the applicant changed since completion was last requested. */
  changedFields: string[];
  decided?: CheckHistoryEntry;
  /** Teams ids of the project office's admins: Teams shows them their own view (with the form). */
  refreshUserIds?: string[];
}

/** Teams refreshes a card automatically for at most 60 listed users. */
const MAX_REFRESH_USERS = 60;

/** The Teams ids of the admins the bot has met in personal chat (for the card's user-specific views). */
async function adminTeamsIds(s: Pick<Services, 'users' | 'conversations'>): Promise<string[]> {
  const ids: string[] = [];
  for (const u of await s.users.withRole('admin')) {
    const ref = await s.conversations.get(personalKey(u._id));
    const id = ref?.reference.user?.id;
    if (id && !ids.includes(id)) ids.push(id);
    if (ids.length >= MAX_REFRESH_USERS) break;
  }
  return ids;
}

/** Whether the person may decide completeness (the project office's admins). */
export async function isOfficeAdmin(s: Pick<Services, 'users'>, actor: Actor): Promise<boolean> {
  return s.users.hasRole(actor.aadObjectId, 'admin');
}

/** The completeness card of an application as it stands, for one person's view or after a refusal. */
export async function currentCompletenessModel(
  s: Services,
  appId: unknown,
): Promise<CompletenessModel | null> {
  if (typeof appId !== 'string' || appId.length === 0 || appId.length > 100) return null;
  const app = await s.applications.get(appId);
  if (!app || !app.regNo || !app.submittedAt) return null;
  return completenessModel(s, app);
}

/** Builds the completeness card's model from the store. */
export async function completenessModel(
  s: Pick<Services, 'review' | 'portfolios' | 'users' | 'conversations'>,
  app: ApplicationDoc,
): Promise<CompletenessModel> {
  const checks = await s.review.checksFor(app._id);
  const current = checks.find((c) => c.submittedAt === app.submittedAt);
  const earlier = checks.filter((c) => c.submittedAt !== app.submittedAt);
  const lastRequest = [...earlier].reverse().find((c) => c.status === 'completion_requested');
  const changedFields: string[] = [];
  if (lastRequest?.inputsAtRequest) {
    const before = lastRequest.inputsAtRequest;
    for (const step of STEPS) {
      for (const f of step.fields) {
        if ((before[f.id] ?? '') !== (app.inputs[f.id] ?? '')) changedFields.push(f.id);
      }
    }
  }
  const portfolio = app.data ? await s.portfolios.get(app.data.portfolioId) : null;
  const entry = (c: CompletenessCheckDoc): CheckHistoryEntry => ({
    round: c.round,
    submittedAt: c.submittedAt,
    status: c.status,
    byName: c.decidedByName,
    at: c.decidedAt,
    missingSteps: c.missingSteps,
    note: c.note,
  });
  return {
    appId: app._id,
    regNo: app.regNo ?? '',
    title: app.data?.title ?? app.inputs.title ?? '',
    organisation: app.data?.organisation ?? '',
    applicant: app.ownerName,
    portfolio: portfolio ? { number: portfolio.number, name: portfolio.name } : undefined,
    devCost: app.data?.devCost,
    yearlyRunningCost: app.data?.yearlyRunningCost,
    submittedAt: app.submittedAt ?? '',
    round: current?.round ?? earlier.length + 1,
    history: earlier.map(entry),
    changedFields,
    decided: current && current.status !== 'pending' ? entry(current) : undefined,
    refreshUserIds: await adminTeamsIds(s),
  };
}

/**
 * Every submitted application first reaches the project office as a completeness card (with
 * the history of earlier rounds on a resubmission). Idempotent: one check and one card per
 * submission.
 */
export async function queueCompletenessCheck(s: Services, app: ApplicationDoc): Promise<void> {
  if (!app.submittedAt) return;
  const previous = await s.review.checksFor(app._id);
  if (!previous.some((c) => c.submittedAt === app.submittedAt)) {
    try {
      await s.review.checks.insertOne({
        _id: checkId(app._id, app.submittedAt),
        appId: app._id,
        round: previous.length + 1,
        submittedAt: app.submittedAt,
        status: 'pending',
      });
    } catch {
      // A retried turn inserted it already.
    }
  }
  const model = await completenessModel(s, app);
  await notifyOffice(s, `application-submitted:${app._id}:${app.submittedAt}`, {
    card: { template: COMPLETENESS_TEMPLATE, model },
  });
}

async function requireAdmin(s: Services, actor: Actor): Promise<void> {
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin'))) {
    throw new DomainError('forbidden', 'project office only', { reason: 'admin_only' });
  }
}

async function loadForCheck(
  s: Services,
  appId: unknown,
  submittedAt: unknown,
): Promise<ApplicationDoc> {
  if (typeof appId !== 'string' || appId.length === 0 || appId.length > 100) {
    throw new DomainError('not_found', 'no application', { reason: 'app_not_found' });
  }
  const app = await s.applications.get(appId);
  if (!app || !app.regNo)
    throw new DomainError('not_found', 'no application', { reason: 'app_not_found' });
  if (typeof submittedAt !== 'string' || submittedAt !== app.submittedAt) {
    // The card is for an earlier round (the applicant has resubmitted since).
    throw new DomainError('invalid_state', 'stale card', { reason: 'stale_check' });
  }
  return app;
}

/** What a completeness decision left behind (shown on the office card). */
export interface CheckOutcome {
  app: ApplicationDoc;
  model: CompletenessModel;
  /** True when this round had already been decided (by this click's twin or another admin). */
  already: boolean;
  item?: ReviewItemDoc;
}

/** Decided rounds are refused with who decided, unless the same decision is repeated. */
async function decidedCheck(
  s: Services,
  app: ApplicationDoc,
): Promise<CompletenessCheckDoc | null> {
  return s.review.checks.findOne({ _id: checkId(app._id, app.submittedAt!) });
}

/**
 * "Komplett": the application goes to review in its portfolio's channel. A repeated click (or a
 * second admin) changes nothing and gets the state that won.
 */
export async function confirmComplete(
  s: Services,
  dir: MemberDirectory,
  actor: Actor,
  appId: unknown,
  submittedAt: unknown,
  activityId?: string,
): Promise<CheckOutcome> {
  await requireAdmin(s, actor);
  let app = await loadForCheck(s, appId, submittedAt);
  let already = true;
  if (app.status === 'submitted') {
    const now = s.clock().toISOString();
    const updated = await s.applications.update(
      { _id: app._id, status: 'submitted', submittedAt: app.submittedAt },
      { $set: { status: 'in_review', updatedAt: now } },
    );
    if (updated) {
      already = false;
      app = updated;
      await s.review.checks.findOneAndUpdate(
        { _id: checkId(app._id, app.submittedAt!) },
        {
          $set: {
            status: 'complete',
            decidedBy: actor.aadObjectId,
            decidedByName: actor.name,
            decidedAt: now,
          },
        },
        { upsert: true },
      );
      await s.audit.append({
        at: now,
        actorId: actor.aadObjectId,
        actorName: actor.name,
        action: 'application.completeness_confirmed',
        entityType: 'application',
        entityId: app._id,
        before: { status: 'submitted' },
        after: { status: 'in_review' },
        activityId,
      });
    } else {
      app = (await s.applications.get(app._id)) ?? app;
    }
  }
  const check = await decidedCheck(s, app);
  if (app.status === 'withdrawn')
    throw new DomainError('invalid_state', 'withdrawn', { reason: 'withdrawn' });
  if (check?.status === 'completion_requested' || app.status === 'completion_requested') {
    throw new DomainError('invalid_state', 'decided otherwise', {
      reason: 'already_completion_requested',
      by: check?.decidedByName ?? '',
    });
  }
  if (app.status === 'draft' || app.status === 'submitted') {
    throw new DomainError('conflict', 'changed meanwhile', { reason: 'changed' });
  }
  // Whether just decided or decided before: make sure the review exists and its card is posted.
  const item = await openReview(s, dir, app, actor, activityId);
  return { app, model: await completenessModel(s, app), already, item };
}

/** Parses the checklist of missing steps (a multi-select ChoiceSet sends "need,costs"). */
export function parseMissingSteps(raw: unknown): StepId[] | null {
  const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [];
  const wanted = new Set(
    values.map((v) => (typeof v === 'string' ? v.trim() : '')).filter((v) => v.length > 0),
  );
  const known = new Set<string>(STEPS.map((st) => st.id));
  for (const v of wanted) if (!known.has(v)) return null;
  return STEPS.filter((st) => wanted.has(st.id)).map((st) => st.id);
}

/** A request for completion: done, or the form back with what to fix. */
export type CompletionRequestResult =
  | ({ ok: true } & CheckOutcome)
  | {
      ok: false;
      error: 'missing_steps' | 'note_too_long';
      app: ApplicationDoc;
      model: CompletenessModel;
    };

/**
 * "Begär komplettering": reopens exactly the named steps for the applicant (everything they wrote
 * stays), records the checklist and note, and sends the applicant a card in personal chat.
 */
export async function requestCompletion(
  s: Services,
  actor: Actor,
  appId: unknown,
  submittedAt: unknown,
  rawSteps: unknown,
  rawNote: unknown,
  activityId?: string,
): Promise<CompletionRequestResult> {
  await requireAdmin(s, actor);
  const app = await loadForCheck(s, appId, submittedAt);
  const steps = parseMissingSteps(rawSteps);
  if (steps === null)
    throw new DomainError('invalid_input', 'unknown step', { reason: 'bad_input' });
  const note = checkText(rawNote, { required: false, max: MAX_NOTE_CHARS });
  if (app.status === 'submitted') {
    if (steps.length === 0)
      return { ok: false, error: 'missing_steps', app, model: await completenessModel(s, app) };
    if (!note.ok)
      return { ok: false, error: 'note_too_long', app, model: await completenessModel(s, app) };
    const now = s.clock().toISOString();
    const firstStep = STEPS.findIndex((st) => st.id === steps[0]);
    const updated = await s.applications.update(
      { _id: app._id, status: 'submitted', submittedAt: app.submittedAt },
      {
        $set: {
          status: 'completion_requested',
          reopenedSteps: steps,
          step: firstStep,
          updatedAt: now,
        },
      },
    );
    if (updated) {
      await s.review.checks.findOneAndUpdate(
        { _id: checkId(app._id, app.submittedAt!) },
        {
          $set: {
            status: 'completion_requested',
            decidedBy: actor.aadObjectId,
            decidedByName: actor.name,
            decidedAt: now,
            missingSteps: steps,
            note: note.value,
            inputsAtRequest: app.inputs,
          },
        },
        { upsert: true },
      );
      await s.audit.append({
        at: now,
        actorId: actor.aadObjectId,
        actorName: actor.name,
        action: 'application.completion_requested',
        entityType: 'application',
        entityId: app._id,
        before: { status: 'submitted' },
        after: { status: 'completion_requested', reopenedSteps: steps, note: note.value },
        activityId,
      });
      await s.outbox.enqueue(
        `completion-request:${app._id}:${app.submittedAt}`,
        { kind: 'user', aadObjectId: app.ownerId },
        {
          card: {
            template: COMPLETION_REQUEST_TEMPLATE,
            model: {
              appId: app._id,
              regNo: app.regNo,
              title: app.data?.title ?? '',
              missingSteps: steps,
              note: note.value,
              byName: actor.name,
            },
          },
        },
        s.clock(),
      );
      return { ok: true, app: updated, model: await completenessModel(s, updated), already: false };
    }
  }
  const current = (await s.applications.get(app._id)) ?? app;
  const check = await decidedCheck(s, current);
  if (current.status === 'withdrawn')
    throw new DomainError('invalid_state', 'withdrawn', { reason: 'withdrawn' });
  if (check?.status === 'completion_requested') {
    return { ok: true, app: current, model: await completenessModel(s, current), already: true };
  }
  throw new DomainError('invalid_state', 'decided otherwise', {
    reason: 'already_complete',
    by: check?.decidedByName ?? '',
  });
}
