import { OutboxPayload, OutboxTarget } from '../outbox/outbox-repository';
import { Services } from '../services';
import { nextOfficeTime, workingHoursBetween } from '../shared/working-days';
import { noteUnreachable, settleRelays } from './coach-messages';
import { CoachQuestionDoc } from './coach-question';
import { ensureThreadRoot, mutateQuestion, threadTarget } from './coach-thread';

/** A reminder that is due: everything needed to enqueue it, with a deterministic outbox id. */
export interface CoachReminder {
  id: string;
  questionId: string;
  round: number;
  target: OutboxTarget;
  payload: OutboxPayload;
  notBefore: Date;
}

/**
 * Reminders due now, computed from state only: a question waiting for a coach for at least
 * COACH_SLA_HOURS office hours (Swedish working days, services/shared/working-days.ts) gets
 * one reminder in its thread per round of waiting (`coach-sla:<question>:<round>`), so a
 * reminder is sent once however often this runs and on however many instances.
 */
export async function dueCoachReminders(
  s: Pick<Services, 'coaching'>,
  now: Date,
): Promise<CoachReminder[]> {
  const { slaHours, officeHours } = s.coaching;
  const waiting = await s.coaching.questions.find({
    status: 'open',
    awaitingCoachSince: { $exists: true },
  });
  const due: CoachReminder[] = [];
  for (const q of waiting) {
    if (!q.awaitingCoachSince || !q.rootActivityId || q.remindedRound === q.round) continue;
    const waited = workingHoursBetween(new Date(q.awaitingCoachSince), now, officeHours);
    if (waited < slaHours) continue;
    due.push({
      id: `coach-sla:${q._id}:${q.round}`,
      questionId: q._id,
      round: q.round,
      target: threadTarget(q),
      payload: {
        card: {
          template: 'coach-sla-reminder',
          model: {
            seq: q.seq,
            askerName: q.askerName,
            hours: slaHours,
            assigneeName: q.assigneeName ?? '',
          },
        },
      },
      notBefore: nextOfficeTime(now, officeHours),
    });
  }
  return due;
}

/**
 * Checks relayed answers the outbox gave up on (403/404: the applicant removed the bot) and
 * posts "kunde inte nå sökande" in their threads; confirmed ones are dropped from the list.
 */
export async function checkCoachDeliveries(s: Services): Promise<number> {
  let notes = 0;
  for (const q of await s.coaching.questions.find({ relayCheck: true })) {
    const done: string[] = [];
    for (const id of q.pendingRelays) {
      const msg = await s.outbox.get(id);
      if (!msg) {
        done.push(id);
        continue;
      }
      if (msg.status === 'sent') done.push(id);
      else if (msg.status === 'failed' || msg.status === 'dead') {
        await noteUnreachable(s, q, id, msg.lastError ?? msg.status);
        notes++;
        done.push(id);
      } else if (msg.status === 'uncertain') {
        s.log.warn(
          { questionId: q._id, relayId: id, error: msg.lastError },
          'coach answer delivery is uncertain',
        );
        done.push(id);
      }
    }
    if (done.length > 0) await mutateQuestion(s, q._id, (cur) => settleRelays(cur, done));
  }
  return notes;
}

/** Records the threads of questions whose root card has been posted (or failed) since. */
export async function syncCoachThreads(s: Services): Promise<void> {
  // `null` (missing or null) rather than `$exists: false`: SQLite answers it from the index.
  const unknown = await s.coaching.questions.find({
    rootActivityId: null,
    threadFailed: { $ne: true },
  });
  for (const q of unknown) await ensureThreadRoot(s, q);
}

/**
 * The coaching pass the scheduler runs: learn new threads, surface failed deliveries, and
 * enqueue due SLA reminders (each marked on its question and audited). Safe to run anywhere,
 * any number of times.
 */
export async function runCoachSla(
  s: Services,
  now: Date,
): Promise<{ reminders: number; unreachable: number }> {
  await syncCoachThreads(s);
  const unreachable = await checkCoachDeliveries(s);
  let reminders = 0;
  for (const r of await dueCoachReminders(s, now)) {
    const fresh = await s.outbox.enqueue(r.id, r.target, r.payload, now, r.notBefore);
    const { changed } = await mutateQuestion(s, r.questionId, (q: CoachQuestionDoc) =>
      q.remindedRound === r.round ? null : { update: { $set: { remindedRound: r.round } } },
    );
    if (fresh) reminders++;
    if (changed) {
      await s.audit.append({
        at: now.toISOString(),
        actorId: 'system:scheduler',
        action: 'coach.sla_reminded',
        entityType: 'coachQuestion',
        entityId: r.questionId,
        after: { round: r.round, outboxId: r.id },
      });
    }
  }
  return { reminders, unreachable };
}
