import { Services } from '../services';
import { notifyOffice } from '../notifications/notify-office';
import { OutboxTarget } from '../outbox/outbox-repository';
import { DomainError } from '../shared/domain-error';
import { Update } from '../store/store';
import { CoachQuestionDoc, CoachQuestionStatus, threadConversationId } from './coach-question';

/** What the thread card shows, stored in the outbox and rendered in the reader's language. */
export interface ThreadCardData {
  questionId: string;
  seq: number;
  text: string;
  askerName: string;
  organisation?: string;
  appId?: string;
  appTitle?: string;
  regNo?: string;
  stepId?: string;
  stepIndex?: number;
  portfolioName?: { sv: string; en: string };
  status: CoachQuestionStatus;
  assigneeName?: string;
  createdAt: string;
  firstAnswerAt?: string;
  firstAnswerWorkingHours?: number;
  resolvedAt?: string;
  resolvedByName?: string;
  reopened: boolean;
  faqSaved: boolean;
}

/** The card data of a question as it is now. */
export async function threadCardData(
  s: Pick<Services, 'portfolios'>,
  q: CoachQuestionDoc,
): Promise<ThreadCardData> {
  const portfolio = q.portfolioId ? await s.portfolios.get(q.portfolioId) : null;
  return {
    questionId: q._id,
    seq: q.seq,
    text: q.text,
    askerName: q.askerName,
    organisation: q.organisation,
    appId: q.appId,
    appTitle: q.appTitle,
    regNo: q.regNo,
    stepId: q.stepId,
    stepIndex: q.stepIndex,
    portfolioName: portfolio ? { ...portfolio.name } : undefined,
    status: q.status,
    assigneeName: q.assigneeName,
    createdAt: q.createdAt,
    firstAnswerAt: q.firstAnswerAt,
    firstAnswerWorkingHours: q.firstAnswerWorkingHours,
    resolvedAt: q.resolvedAt,
    resolvedByName: q.resolvedByName,
    reopened: q.reopenCount > 0 && q.status !== 'resolved',
    faqSaved: !!q.faqId,
  };
}

/** The thread of a question as an outbox target (a reply in the thread). */
export function threadTarget(q: CoachQuestionDoc): OutboxTarget {
  return { kind: 'channel', channelId: q.channelId, teamId: q.teamId, threadId: q.rootActivityId };
}

/** What a change to a question does besides writing it: proactive messages, audit entries. */
export type QuestionPlan = { update: Update } | null;

const MAX_ATTEMPTS = 8;

/**
 * Reads a question, lets `plan` decide the update from what it sees, and writes it only if
 * nobody changed the question meanwhile (else reads again). Returns before and after; after is
 * before when the plan made no change.
 */
export async function mutateQuestion(
  s: Pick<Services, 'coaching'>,
  id: string,
  plan: (q: CoachQuestionDoc) => QuestionPlan | Promise<QuestionPlan>,
): Promise<{ before: CoachQuestionDoc; after: CoachQuestionDoc; changed: boolean }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const before = await s.coaching.questions.get(id);
    if (!before)
      throw new DomainError('not_found', 'no such question', { reason: 'question_not_found' });
    const p = await plan(before);
    if (!p) return { before, after: before, changed: false };
    const after = await s.coaching.questions.updateIfVersion(id, before.version, p.update);
    if (after) return { before, after, changed: true };
  }
  throw new DomainError('conflict', 'question changed meanwhile', { reason: 'question_conflict' });
}

/** Queues an in-place update of the thread's root card, so everyone sees status and assignee. */
export async function enqueueThreadCardUpdate(
  s: Services,
  question: CoachQuestionDoc,
): Promise<void> {
  const q = question.rootActivityId ? question : await ensureThreadRoot(s, question);
  if (!q.rootActivityId || !q.threadConversationId) return;
  await s.outbox.enqueue(
    `coach-card:${q._id}:${q.version}`,
    threadTarget(q),
    {
      card: { template: 'coach-thread', model: await threadCardData(s, q) },
      update: { activityId: q.rootActivityId, conversationId: q.threadConversationId },
    },
    s.clock(),
  );
}

/**
 * Learns the thread of a question once its root card was posted (the outbox's sentActivityId),
 * then sends what the applicant wrote meanwhile. When the post failed for good, tells the
 * applicant and the project office once. Returns the question as it is now.
 */
export async function ensureThreadRoot(
  s: Services,
  question: CoachQuestionDoc,
): Promise<CoachQuestionDoc> {
  if (question.threadFailed) return question;
  if (question.rootActivityId) return flushApplicantMessages(s, question);
  const msg = await s.outbox.get(question.threadOutboxId);
  if (msg?.status === 'sent' && msg.sentActivityId) {
    const root = msg.sentActivityId;
    const { after } = await mutateQuestion(s, question._id, (q) =>
      q.rootActivityId
        ? null
        : {
            update: {
              $set: {
                rootActivityId: root,
                threadConversationId: threadConversationId(q.channelId, root),
              },
            },
          },
    );
    return flushApplicantMessages(s, after);
  }
  if (msg && (msg.status === 'failed' || msg.status === 'dead')) {
    const { after, changed } = await mutateQuestion(s, question._id, (q) =>
      q.threadFailed
        ? null
        : { update: { $set: { threadFailed: true, updatedAt: s.clock().toISOString() } } },
    );
    if (changed) {
      s.log.error(
        { questionId: after._id, error: msg.lastError },
        'coach question could not be posted in the coach channel',
      );
      await s.audit.append({
        at: s.clock().toISOString(),
        actorId: 'system:coaching',
        action: 'coach.thread_failed',
        entityType: 'coachQuestion',
        entityId: after._id,
        after: { channelId: after.channelId, error: msg.lastError },
      });
      await s.outbox.enqueue(
        `coach-undeliverable:${after._id}`,
        { kind: 'user', aadObjectId: after.askerId },
        { card: { template: 'coach-undeliverable', model: { seq: after.seq, text: after.text } } },
        s.clock(),
      );
      await notifyOffice(s, `coach-undeliverable:${after._id}`, {
        card: {
          template: 'coach-undeliverable-office',
          model: { seq: after.seq, askerName: after.askerName, error: msg.lastError ?? '' },
        },
      });
    }
    return after;
  }
  return question;
}

/** Sends applicant messages that waited for the thread to exist. */
async function flushApplicantMessages(s: Services, q: CoachQuestionDoc): Promise<CoachQuestionDoc> {
  if (!q.rootActivityId) return q;
  const waiting = q.messages
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => m.by === 'applicant' && !m.outboxId);
  if (waiting.length === 0) return q;
  for (const { m, i } of waiting) {
    await s.outbox.enqueue(
      applicantMessageOutboxId(q._id, m.activityId, i),
      threadTarget(q),
      {
        card: {
          template: 'coach-applicant-message',
          model: { askerName: q.askerName, text: m.text, reopened: false },
        },
      },
      s.clock(),
    );
  }
  const sent = new Set(waiting.map(({ i }) => i));
  const { after } = await mutateQuestion(s, q._id, (cur) => {
    const messages = cur.messages.map((m, i) =>
      sent.has(i) && !m.outboxId
        ? { ...m, outboxId: applicantMessageOutboxId(cur._id, m.activityId, i) }
        : m,
    );
    return { update: { $set: { messages } } };
  });
  return after;
}

/** Outbox id of an applicant's message into the thread: one per message, whatever retries. */
export function applicantMessageOutboxId(
  questionId: string,
  activityId: string | undefined,
  index: number,
): string {
  return `coach-to-thread:${questionId}:${activityId ?? `m${index}`}`;
}

/**
 * The question whose thread a channel conversation is (`channel;messageid=root`), or null when
 * it is not a coach thread. A question whose card was posted but whose thread is not recorded
 * yet is found by recording the threads of that channel's unrecorded questions first.
 */
export async function findQuestionByThread(
  s: Services,
  conversationId: string,
): Promise<CoachQuestionDoc | null> {
  const m = /^(.+);messageid=(.+)$/.exec(conversationId);
  if (!m) return null;
  const known = await s.coaching.questions.byThread(conversationId);
  if (known) return known;
  const unrecorded = await s.coaching.questions.find({
    channelId: m[1],
    rootActivityId: null, // missing (never null): by the rootActivityId index
    threadFailed: { $ne: true },
  });
  for (const q of unrecorded) {
    const current = await ensureThreadRoot(s, q);
    if (current.threadConversationId === conversationId) return current;
  }
  return null;
}
