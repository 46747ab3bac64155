import { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { requireCoach } from './coach-auth';
import { CoachQuestionDoc } from './coach-question';
import { enqueueThreadCardUpdate, mutateQuestion } from './coach-thread';

/** What happened, for the notice on the card the coach clicked. */
export type ClaimOutcome = 'claimed' | 'alreadyYours' | 'claimedByOther' | 'alreadyResolved';
export type ResolveOutcome = 'resolved' | 'alreadyResolved';

/** A coach's view of a question (any coach of its channel may look). */
export async function getQuestionForCoach(
  s: Services,
  actor: Actor,
  id: unknown,
): Promise<CoachQuestionDoc> {
  if (typeof id !== 'string' || id.length === 0 || id.length > 100) {
    throw new DomainError('not_found', 'no such question', { reason: 'question_not_found' });
  }
  const q = await s.coaching.questions.get(id);
  if (!q) throw new DomainError('not_found', 'no such question', { reason: 'question_not_found' });
  await requireCoach(s, actor, q.channelId);
  return q;
}

/** "Jag tar den": the coach becomes the question's assignee (coaches only; audited). */
export async function claimQuestion(
  s: Services,
  actor: Actor,
  questionId: unknown,
  activityId?: string,
): Promise<{ question: CoachQuestionDoc; outcome: ClaimOutcome }> {
  const current = await getQuestionForCoach(s, actor, questionId);
  let outcome: ClaimOutcome = 'claimed';
  const at = s.clock().toISOString();
  const { before, after, changed } = await mutateQuestion(s, current._id, (q) => {
    if (q.status === 'resolved') outcome = 'alreadyResolved';
    else if (q.assigneeId === actor.aadObjectId) outcome = 'alreadyYours';
    else if (q.assigneeId) outcome = 'claimedByOther';
    else {
      outcome = 'claimed';
      return {
        update: {
          $set: {
            assigneeId: actor.aadObjectId,
            assigneeName: actor.name,
            claimedAt: at,
            updatedAt: at,
          },
        },
      };
    }
    return null;
  });
  if (changed) {
    await s.audit.append({
      at,
      actorId: actor.aadObjectId,
      actorName: actor.name,
      action: 'coach.claimed',
      entityType: 'coachQuestion',
      entityId: after._id,
      before: { assigneeId: before.assigneeId ?? null },
      after: { assigneeId: after.assigneeId },
      activityId,
    });
    await enqueueThreadCardUpdate(s, after);
  }
  return { question: after, outcome };
}

/**
 * "Löst": the question is resolved (coaches only; audited); the applicant is told and may
 * reopen it by answering.
 */
export async function resolveQuestion(
  s: Services,
  actor: Actor,
  questionId: unknown,
  activityId?: string,
): Promise<{ question: CoachQuestionDoc; outcome: ResolveOutcome }> {
  const current = await getQuestionForCoach(s, actor, questionId);
  const at = s.clock().toISOString();
  const { before, after, changed } = await mutateQuestion(s, current._id, (q) => {
    if (q.status === 'resolved') return null;
    const $set: Record<string, unknown> = {
      status: 'resolved',
      resolvedAt: at,
      resolvedById: actor.aadObjectId,
      resolvedByName: actor.name,
      updatedAt: at,
    };
    if (!q.assigneeId)
      Object.assign($set, {
        assigneeId: actor.aadObjectId,
        assigneeName: actor.name,
        claimedAt: at,
      });
    return {
      update: q.awaitingCoachSince ? { $set, $unset: { awaitingCoachSince: true } } : { $set },
    };
  });
  if (!changed) return { question: after, outcome: 'alreadyResolved' };
  await s.audit.append({
    at,
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'coach.resolved',
    entityType: 'coachQuestion',
    entityId: after._id,
    before: { status: before.status },
    after: { status: after.status },
    activityId,
  });
  await s.outbox.enqueue(
    `coach-resolved:${after._id}:${after.version}`,
    { kind: 'user', aadObjectId: after.askerId },
    {
      card: {
        template: 'coach-resolved',
        model: { seq: after.seq, question: after.text, coachName: actor.name },
      },
    },
    s.clock(),
  );
  await enqueueThreadCardUpdate(s, after);
  return { question: after, outcome: 'resolved' };
}
