import { intFromEnv } from '../outbox/outbox-settings';
import { DEFAULT_OFFICE_HOURS, OfficeHours } from '../shared/working-days';

/** Every kind of reminder the scheduler computes from the state. */
export const REMINDER_KINDS = [
  'vote',
  'voteChair',
  'draftIdle',
  'completion',
  'coachSla',
  'allocation',
  'statusReport',
  'finalReport',
  'benefitFollowup',
  'reportEscalation',
  'survey',
] as const;

export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** Reminders a person cannot opt out of: reporting on a funded project is an obligation. */
export const MANDATORY_KINDS: ReadonlySet<ReminderKind> = new Set([
  'statusReport',
  'finalReport',
  'benefitFollowup',
]);

/** Kinds that cannot be switched off at all (002 §7.4 Styrning 5: every project is followed up a year after). */
export const ALWAYS_ON_KINDS: ReadonlySet<ReminderKind> = new Set(['benefitFollowup']);

export interface ReminderSettings {
  /** Kinds switched on (everything but REMINDERS_OFF; benefitFollowup always). */
  enabled: Record<ReminderKind, boolean>;
  /** Working days before a review deadline for the first vote reminder (then on the day). */
  voteLeadDays: number;
  /** Working days a draft may stay untouched before its owner is nudged. */
  draftIdleDays: number;
  /** Working days a request for completion may stay unanswered before a nudge. */
  completionDays: number;
  /** Working days an allocation may wait for a decision maker before a nudge. */
  allocationDays: number;
  /** Working days between report reminders, and before an overdue report escalates. */
  reportGapDays: number;
  /** When the yearly survey goes to each review group: month and day, 'MM-DD'. */
  surveyDate: string;
  officeHours: OfficeHours;
  /** Compute and log what would be sent, send nothing. */
  dryRun: boolean;
  /** The scheduler runs (recomputes reminders from the state) this often. */
  intervalMs: number;
  /** The scheduler runs at all (tests that drive it by hand switch it off). */
  schedulerEnabled: boolean;
}

export const DEFAULT_REMINDER_SETTINGS: ReminderSettings = {
  enabled: Object.fromEntries(REMINDER_KINDS.map((k) => [k, true])) as Record<
    ReminderKind,
    boolean
  >,
  voteLeadDays: 2,
  draftIdleDays: 5,
  completionDays: 3,
  allocationDays: 2,
  reportGapDays: 5,
  surveyDate: '10-01',
  officeHours: DEFAULT_OFFICE_HOURS,
  dryRun: false,
  intervalMs: 300_000,
  schedulerEnabled: true,
};

type Env = Record<string, string | undefined>;

function boolFromEnv(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  problems.push(`${name}: must be true or false`);
  return fallback;
}

/**
 * REMINDERS_OFF (comma-separated kinds), REMINDERS_DRY_RUN, SCHEDULER_ENABLED,
 * SCHEDULER_INTERVAL_MS (300000), REMINDER_VOTE_LEAD_DAYS (2), REMINDER_DRAFT_IDLE_DAYS (5),
 * REMINDER_COMPLETION_DAYS (3), REMINDER_ALLOCATION_DAYS (2), REMINDER_REPORT_GAP_DAYS (5),
 * REMINDER_SURVEY_DATE (10-01). Office hours come from OFFICE_HOURS.
 */
export function readReminderSettings(
  env: Env,
  officeHours: OfficeHours,
): { value: ReminderSettings; problems: string[] } {
  const problems: string[] = [];
  const d = DEFAULT_REMINDER_SETTINGS;
  const enabled = { ...d.enabled };
  for (const raw of (env.REMINDERS_OFF ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const kind = REMINDER_KINDS.find((k) => k.toLowerCase() === raw.toLowerCase());
    if (!kind)
      problems.push(
        `REMINDERS_OFF: "${raw}" is not a reminder kind (${REMINDER_KINDS.join(', ')})`,
      );
    else if (ALWAYS_ON_KINDS.has(kind))
      problems.push(`REMINDERS_OFF: ${kind} is mandatory and cannot be switched off`);
    else enabled[kind] = false;
  }
  const surveyDate = (env.REMINDER_SURVEY_DATE ?? d.surveyDate).trim();
  const m = /^(\d\d)-(\d\d)$/.exec(surveyDate);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 12 || Number(m[2]) < 1 || Number(m[2]) > 28) {
    problems.push('REMINDER_SURVEY_DATE: must be MM-DD with a day from 01 to 28, e.g. 10-01');
  }
  const value: ReminderSettings = {
    enabled,
    voteLeadDays: intFromEnv(env, 'REMINDER_VOTE_LEAD_DAYS', 0, 30, d.voteLeadDays, problems),
    draftIdleDays: intFromEnv(env, 'REMINDER_DRAFT_IDLE_DAYS', 1, 100, d.draftIdleDays, problems),
    completionDays: intFromEnv(env, 'REMINDER_COMPLETION_DAYS', 1, 100, d.completionDays, problems),
    allocationDays: intFromEnv(env, 'REMINDER_ALLOCATION_DAYS', 0, 100, d.allocationDays, problems),
    reportGapDays: intFromEnv(env, 'REMINDER_REPORT_GAP_DAYS', 1, 60, d.reportGapDays, problems),
    surveyDate: m ? surveyDate : d.surveyDate,
    officeHours,
    dryRun: boolFromEnv(env, 'REMINDERS_DRY_RUN', d.dryRun, problems),
    intervalMs: intFromEnv(env, 'SCHEDULER_INTERVAL_MS', 200, 86_400_000, d.intervalMs, problems),
    schedulerEnabled: boolFromEnv(env, 'SCHEDULER_ENABLED', d.schedulerEnabled, problems),
  };
  return { value, problems };
}
