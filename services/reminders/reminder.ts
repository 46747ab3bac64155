import { ReminderKind } from './reminder-settings';

/**
 * One thing a person should be nudged about, computed from the state. Plain JSON: it is stored
 * in the ledger and in the digest's outbox model, and rendered at send time in the recipient's
 * language from `kind` and `params`.
 */
export interface DigestItem {
  /** Deterministic: the same situation always gives the same key, so it is delivered once. */
  key: string;
  kind: ReminderKind;
  /** When it became (or becomes) due, ISO. */
  dueAt: string;
  /** Values for the kind's sentence: title, regNo, dates, names… (already plain text). */
  params: Record<string, string | number>;
  /** A button on the digest card that takes the person to the thing itself. */
  action?: { verb: string; data: Record<string, string> };
  /** Cannot be opted out of (project reports). */
  mandatory: boolean;
}

/** A nudge for one person; nudges with the same `series` are stages (only the latest due one goes). */
export interface PersonReminder extends DigestItem {
  recipientId: string;
  series: string;
}

/** A message to a channel (survey, escalation): sent on its own, not in a digest. */
export interface ChannelReminder {
  /** The outbox id: deterministic per effect. */
  id: string;
  kind: ReminderKind;
  channelId: string;
  teamId?: string;
  threadId?: string;
  dueAt: string;
  card: { template: string; model: Record<string, unknown> };
  /** One line for the dry-run listing. */
  summary: string;
  /** Queued by its own area's pass (coaching's runCoachSla), listed here for the dry run only. */
  external?: boolean;
}

/** Items in one digest at most; the rest wait for the next day's digest (never dropped). */
export const DIGEST_MAX_ITEMS = 40;

/** The digest of one person for one Stockholm day: at most one a day. */
export const digestIdFor = (recipientId: string, day: string): string =>
  `digest:${recipientId.toLowerCase()}:${day}`;

/** The recipient a digest id belongs to. */
export function recipientOfDigest(digestId: string): string | null {
  const m = /^digest:([^:]+):\d{4}-\d{2}-\d{2}$/.exec(digestId);
  return m ? m[1] : null;
}
