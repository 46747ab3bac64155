import { personalKey } from '../conversations/conversation-repository';
import { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { workingHoursBetween } from '../shared/working-days';
import { Update } from '../store/store';
import { checkCoachText } from './ask-question';
import { COACH_LIMITS, CoachMessage, CoachQuestionDoc } from './coach-question';
import {
  applicantMessageOutboxId,
  ensureThreadRoot,
  enqueueThreadCardUpdate,
  mutateQuestion,
  threadTarget,
} from './coach-thread';

/** Longest coach reply stored; Teams messages are far shorter, this only bounds a hostile payload. */
const MAX_COACH_TEXT = 20_000;

/** Drops undefined fields, which the two stores would otherwise store differently. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Outbox id of a coach's answer relayed to the applicant. */
export const relayOutboxId = (questionId: string, key: string): string =>
  `coach-relay:${questionId}:${key}`;

/**
 * A coach replied in the question's thread (a plain channel reply): the reply is stored and
 * relayed to the applicant's personal chat with the coach's name; the first answer's time is
 * recorded for the dashboard. An applicant the bot can no longer reach gets a visible note in
 * the thread instead of a silent loss.
 */
export async function recordCoachReply(
  s: Services,
  actor: Actor,
  questionId: string,
  reply: { text: string; attachmentOnly?: boolean },
  activityId?: string,
): Promise<{ question: CoachQuestionDoc; relayed: boolean }> {
  const text = reply.text.trim().slice(0, MAX_COACH_TEXT);
  const now = s.clock();
  const at = now.toISOString();
  const key = activityId ?? `t${now.getTime()}`;
  const outboxId = relayOutboxId(questionId, key);
  const { before, after, changed } = await mutateQuestion(s, questionId, (q) => {
    if (activityId && q.messages.some((m) => m.activityId === activityId)) return null;
    const message: CoachMessage = {
      at,
      by: 'coach',
      authorId: actor.aadObjectId,
      authorName: actor.name,
      text: reply.attachmentOnly && !text ? '' : text,
      activityId,
      outboxId,
    };
    const $set: Record<string, unknown> = { updatedAt: at, relayCheck: true };
    if (q.status !== 'resolved') $set.status = 'answered';
    if (!q.firstAnswerAt) {
      $set.firstAnswerAt = at;
      $set.firstAnswerById = actor.aadObjectId;
      $set.firstAnswerByName = actor.name;
      $set.firstAnswerMs = now.getTime() - Date.parse(q.createdAt);
      $set.firstAnswerWorkingHours =
        Math.round(workingHoursBetween(new Date(q.createdAt), now, s.coaching.officeHours) * 100) /
        100;
    }
    const update: Update = { $set, $push: { messages: compact(message), pendingRelays: outboxId } };
    if (q.awaitingCoachSince) update.$unset = { awaitingCoachSince: true };
    return { update };
  });
  if (!changed) return { question: after, relayed: false };
  await s.audit.append({
    at,
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'coach.answered',
    entityType: 'coachQuestion',
    entityId: questionId,
    before: { status: before.status },
    after: { status: after.status, text, firstAnswer: !before.firstAnswerAt },
    activityId,
  });
  const conversation = await s.conversations.get(personalKey(after.askerId));
  if (conversation?.unreachableSince) {
    await noteUnreachable(s, after, outboxId, `unreachable since ${conversation.unreachableSince}`);
    const { after: settled } = await mutateQuestion(s, questionId, (q) =>
      settleRelays(q, [outboxId]),
    );
    await enqueueThreadCardUpdate(s, settled);
    return { question: settled, relayed: false };
  }
  await s.outbox.enqueue(
    outboxId,
    { kind: 'user', aadObjectId: after.askerId },
    {
      card: {
        template: 'coach-relay',
        model: {
          questionId,
          relayId: outboxId,
          seq: after.seq,
          coachName: actor.name,
          text,
          attachmentOnly: !!reply.attachmentOnly && !text,
          question: after.text,
          resolved: after.status === 'resolved',
        },
      },
    },
    now,
  );
  if (before.status !== after.status || !before.firstAnswerAt)
    await enqueueThreadCardUpdate(s, after);
  return { question: after, relayed: true };
}

/** Removes confirmed or failed relays from the to-check list. */
export function settleRelays(
  q: CoachQuestionDoc,
  done: string[],
): { update: { $set: Record<string, unknown> } } | null {
  const left = q.pendingRelays.filter((id) => !done.includes(id));
  if (left.length === q.pendingRelays.length) return null;
  return { update: { $set: { pendingRelays: left, relayCheck: left.length > 0 } } };
}

/** Posts "kunde inte nå sökande" in the thread, once per failed relay, and audits it. */
export async function noteUnreachable(
  s: Services,
  q: CoachQuestionDoc,
  relayId: string,
  error: string,
): Promise<void> {
  const fresh = await s.outbox.enqueue(
    `coach-unreachable:${relayId}`,
    threadTarget(q),
    { card: { template: 'coach-unreachable', model: { askerName: q.askerName, seq: q.seq } } },
    s.clock(),
  );
  if (!fresh) return;
  s.log.warn({ questionId: q._id, relayId, error }, 'coach answer could not reach the applicant');
  await s.audit.append({
    at: s.clock().toISOString(),
    actorId: 'system:coaching',
    action: 'coach.relay_failed',
    entityType: 'coachQuestion',
    entityId: q._id,
    after: { relayId, error },
  });
}

/** Loads a question for its asker only: card data naming someone else's question is refused. */
export async function getOwnQuestion(
  s: Pick<Services, 'coaching'>,
  actor: Actor,
  id: unknown,
): Promise<CoachQuestionDoc> {
  if (typeof id !== 'string' || id.length === 0 || id.length > 100) {
    throw new DomainError('not_found', 'no such question', { reason: 'question_not_found' });
  }
  const q = await s.coaching.questions.get(id);
  if (!q) throw new DomainError('not_found', 'no such question', { reason: 'question_not_found' });
  if (q.askerId !== actor.aadObjectId.toLowerCase()) {
    throw new DomainError('forbidden', 'not the asker', { reason: 'question_not_yours' });
  }
  return q;
}

/**
 * The applicant answered (free text in personal chat, or "Svara" on a relayed answer): the
 * message goes into the same thread; a resolved question opens again. Returns whether it
 * reopened and whether it had to wait for the thread to exist.
 */
export async function recordApplicantReply(
  s: Services,
  actor: Actor,
  questionId: unknown,
  raw: unknown,
  activityId?: string,
): Promise<{ question: CoachQuestionDoc; reopened: boolean; queued: boolean }> {
  const own = await getOwnQuestion(s, actor, questionId);
  const text = checkCoachText(raw, COACH_LIMITS.reply);
  const at = s.clock().toISOString();
  let index = -1;
  const { before, after, changed } = await mutateQuestion(s, own._id, (q) => {
    if (activityId && q.messages.some((m) => m.activityId === activityId)) return null;
    index = q.messages.length;
    const message: CoachMessage = {
      at,
      by: 'applicant',
      authorId: q.askerId,
      authorName: actor.name,
      text,
      activityId,
      outboxId: q.rootActivityId ? applicantMessageOutboxId(q._id, activityId, index) : undefined,
    };
    const $set: Record<string, unknown> = { status: 'open', updatedAt: at };
    const $inc: Record<string, number> = {};
    if (!q.awaitingCoachSince) {
      $set.awaitingCoachSince = at;
      $inc.round = 1;
    }
    if (q.status === 'resolved') $inc.reopenCount = 1;
    return { update: { $set, $inc, $push: { messages: compact(message) } } };
  });
  if (!changed) return { question: after, reopened: false, queued: false };
  const reopened = before.status === 'resolved';
  await s.audit.append({
    at,
    actorId: after.askerId,
    actorName: actor.name,
    action: reopened ? 'coach.reopened' : 'coach.applicant_replied',
    entityType: 'coachQuestion',
    entityId: after._id,
    before: { status: before.status },
    after: { status: after.status, text },
    activityId,
  });
  if (after.rootActivityId) {
    await s.outbox.enqueue(
      applicantMessageOutboxId(after._id, activityId, index),
      threadTarget(after),
      {
        card: {
          template: 'coach-applicant-message',
          model: { askerName: after.askerName, text, reopened },
        },
      },
      s.clock(),
    );
    if (before.status !== after.status) await enqueueThreadCardUpdate(s, after);
    return { question: after, reopened, queued: false };
  }
  const current = await ensureThreadRoot(s, after);
  return { question: current, reopened, queued: !current.rootActivityId };
}
