import { getOwnApplication } from '../applications/get-own-application';
import { STEP_COUNT, STEPS } from '../applications/wizard-steps';
import { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { newId } from '../shared/ids';
import { checkText } from '../shared/text';
import { coachChannelFor } from './coach-channel';
import { COACH_LIMITS, CoachQuestionDoc, threadOutboxId } from './coach-question';
import { threadCardData } from './coach-thread';

/** The application a question is about, as the coaches see it on the thread card. */
export interface ApplicationContext {
  appId: string;
  appTitle?: string;
  regNo?: string;
  stepId?: CoachQuestionDoc['stepId'];
  stepIndex?: number;
  appStatus: CoachQuestionDoc['appStatus'];
  portfolioId?: string;
  organisation?: string;
}

/**
 * Checks a question or reply typed by a person: empty and over-long text is refused with its
 * limit (reason 'empty' / 'too_long'), never truncated.
 */
export function checkCoachText(raw: unknown, max: number): string {
  const r = checkText(raw, { required: true, max });
  if (r.ok) return r.value;
  const length = typeof raw === 'string' ? Array.from(raw.trim()).length : 0;
  throw new DomainError('invalid_input', `coach text ${r.error}`, { reason: r.error, max, length });
}

/** Context of the asker's own application (owner only); the step comes from the card when valid. */
export async function applicationContext(
  s: Pick<Services, 'applications' | 'portfolios'>,
  actor: Actor,
  appId: unknown,
  stepRaw?: unknown,
): Promise<ApplicationContext> {
  const app = await getOwnApplication(s, actor, appId);
  const fromCard = Number(stepRaw);
  const stepIndex =
    stepRaw !== undefined &&
    stepRaw !== '' &&
    Number.isInteger(fromCard) &&
    fromCard >= 0 &&
    fromCard < STEP_COUNT
      ? fromCard
      : app.status === 'draft' && app.step < STEP_COUNT
        ? app.step
        : undefined;
  const portfolioId = app.data?.portfolioId ?? app.inputs.portfolioId;
  const portfolio = portfolioId ? await s.portfolios.get(portfolioId) : null;
  const title = (app.data?.title ?? app.inputs.title ?? '').trim();
  return {
    appId: app._id,
    appTitle: title || undefined,
    regNo: app.regNo,
    stepIndex,
    stepId: stepIndex !== undefined ? STEPS[stepIndex].id : undefined,
    appStatus: app.status,
    portfolioId: portfolio?._id,
    organisation: (app.data?.organisation ?? app.inputs.organisation ?? '').trim() || undefined,
  };
}

export interface AskInput {
  text: unknown;
  appId?: unknown;
  step?: unknown;
  /** From the profile (Graph or seed), when no application says it. */
  organisation?: string;
}

/**
 * Sends an applicant's question to the right coach channel as a new thread: the question is
 * stored first, then its card is queued in the outbox (the thread is the sent message).
 */
export async function askQuestion(
  s: Services,
  actor: Actor,
  input: AskInput,
  activityId?: string,
): Promise<CoachQuestionDoc> {
  const text = checkCoachText(input.text, COACH_LIMITS.question);
  const ctx =
    typeof input.appId === 'string' && input.appId !== ''
      ? await applicationContext(s, actor, input.appId, input.step)
      : null;
  const channel = await coachChannelFor(s, ctx?.portfolioId);
  if (!channel)
    throw new DomainError('invalid_state', 'no coach channel', { reason: 'no_channel' });
  const profile = await s.users.get(actor.aadObjectId);
  const now = s.clock().toISOString();
  const id = newId();
  const q: CoachQuestionDoc = {
    _id: id,
    seq: await s.counters.next('coachQuestion'),
    askerId: actor.aadObjectId.toLowerCase(),
    askerName: actor.name,
    organisation: ctx?.organisation ?? input.organisation ?? profile?.organisation,
    locale: actor.locale,
    text,
    appId: ctx?.appId,
    appTitle: ctx?.appTitle,
    regNo: ctx?.regNo,
    stepId: ctx?.stepId,
    stepIndex: ctx?.stepIndex,
    appStatus: ctx?.appStatus,
    portfolioId: ctx?.portfolioId,
    channelId: channel.channelId,
    teamId: channel.teamId,
    threadOutboxId: threadOutboxId(id),
    status: 'open',
    messages: [],
    round: 1,
    awaitingCoachSince: now,
    reopenCount: 0,
    pendingRelays: [],
    relayCheck: false,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  for (const k of Object.keys(q) as (keyof CoachQuestionDoc)[]) if (q[k] === undefined) delete q[k];
  await s.coaching.questions.insert(q);
  await s.audit.append({
    at: now,
    actorId: q.askerId,
    actorName: actor.name,
    action: 'coach.question_asked',
    entityType: 'coachQuestion',
    entityId: id,
    after: {
      seq: q.seq,
      text,
      appId: q.appId,
      stepId: q.stepId,
      portfolioId: q.portfolioId,
      channelId: q.channelId,
    },
    activityId,
  });
  await s.outbox.enqueue(
    q.threadOutboxId,
    { kind: 'channel', channelId: channel.channelId, teamId: channel.teamId },
    { card: { template: 'coach-thread', model: await threadCardData(s, q) } },
    s.clock(),
  );
  return q;
}

/** How long after "Löst" a plain message from the applicant still reopens the question. */
export const REOPEN_WINDOW_DAYS = 30;

/**
 * The questions a plain message in personal chat goes to: the open ones; when none is open,
 * those resolved within REOPEN_WINDOW_DAYS (the message reopens one), latest resolved first.
 */
export async function questionsForMessage(
  s: Pick<Services, 'coaching'>,
  aadObjectId: string,
  now: Date,
): Promise<CoachQuestionDoc[]> {
  const mine = (await s.coaching.questions.byAsker(aadObjectId)).filter((q) => !q.threadFailed);
  const open = mine.filter((q) => q.status !== 'resolved');
  if (open.length > 0) return open;
  const since = new Date(now.getTime() - REOPEN_WINDOW_DAYS * 24 * 3600_000).toISOString();
  return mine
    .filter((q) => q.status === 'resolved' && (q.resolvedAt ?? '') >= since)
    .sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? ''));
}
