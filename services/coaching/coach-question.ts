import { ApplicationStatus } from '../applications/application';
import { StepId } from '../applications/wizard-steps';
import { Locale } from '../shared/actor';

/** Limits on what people type; longer text is refused with its limit, never truncated. */
export const COACH_LIMITS = {
  question: 2000,
  reply: 4000,
  faqQuestion: 2000,
  faqAnswer: 4000,
} as const;

/**
 * open: the applicant waits for a coach · answered: a coach replied last · resolved: a coach
 * marked it solved (a new message from the applicant reopens it).
 */
export type CoachQuestionStatus = 'open' | 'answered' | 'resolved';

/** One message in the question's conversation, kept so nothing said is lost. */
export interface CoachMessage {
  at: string;
  by: 'applicant' | 'coach';
  authorId: string;
  authorName: string;
  text: string;
  /** The Teams activity that carried it (dedupes a redelivered message). */
  activityId?: string;
  /** The outbox message that carries it to the other side; unset while waiting for the thread. */
  outboxId?: string;
}

/** An applicant's question and its thread in a coach channel. */
export interface CoachQuestionDoc {
  _id: string;
  /** Human-friendly number, "fråga #12". */
  seq: number;
  askerId: string;
  askerName: string;
  organisation?: string;
  locale: Locale;
  text: string;
  /** Context of the application it is about, copied when asked. */
  appId?: string;
  appTitle?: string;
  regNo?: string;
  stepId?: StepId;
  stepIndex?: number;
  appStatus?: ApplicationStatus;
  portfolioId?: string;
  /** The coach channel it was posted in. */
  channelId: string;
  teamId?: string;
  /** Outbox id of the thread's root card; its sentActivityId is the thread. */
  threadOutboxId: string;
  rootActivityId?: string;
  /** `${channelId};messageid=${rootActivityId}`: how Teams names the thread's conversation. */
  threadConversationId?: string;
  /** The root card could not be posted (bot not in the channel, …); the applicant was told. */
  threadFailed?: boolean;
  status: CoachQuestionStatus;
  assigneeId?: string;
  assigneeName?: string;
  claimedAt?: string;
  messages: CoachMessage[];
  /** Counts the times the applicant started waiting for a coach (SLA reminders: one per round). */
  round: number;
  /** Since when the applicant waits for a coach's answer; unset while nobody waits. */
  awaitingCoachSince?: string;
  remindedRound?: number;
  firstAnswerAt?: string;
  firstAnswerById?: string;
  firstAnswerByName?: string;
  /** Time to first answer for the dashboard: wall-clock milliseconds and office hours. */
  firstAnswerMs?: number;
  firstAnswerWorkingHours?: number;
  resolvedAt?: string;
  resolvedById?: string;
  resolvedByName?: string;
  reopenCount: number;
  faqId?: string;
  /** Outbox ids of answers relayed to the applicant whose delivery is not yet confirmed. */
  pendingRelays: string[];
  /** True while pendingRelays is non-empty (an indexable flag for the delivery check). */
  relayCheck: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The general coach channel (questions without a portfolio that has its own). */
export interface CoachChannelSetting {
  channelId: string;
  teamId?: string;
}

/** Settings key of the general coach channel. */
export const COACH_CHANNEL = 'coachChannel';

/** The Teams conversation id of a thread in a channel. */
export function threadConversationId(channelId: string, rootActivityId: string): string {
  return `${channelId};messageid=${rootActivityId}`;
}

/** Outbox id of a question's root card. */
export const threadOutboxId = (questionId: string): string => `coach-thread:${questionId}`;
