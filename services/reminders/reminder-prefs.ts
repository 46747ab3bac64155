import { DateTime } from 'luxon';
import { stockholmAt, stockholmDate } from '../followup/report-schedule';
import type { Services } from '../services';
import { Actor } from '../shared/actor';
import { STOCKHOLM_ZONE } from '../shared/dates';
import { DomainError } from '../shared/domain-error';
import { nextOfficeTime, OfficeHours } from '../shared/working-days';
import { recipientOfDigest } from './reminder';
import { ReminderPrefsDoc } from './reminder-services';

export type SnoozeUntil = 'nextWorkingDay' | 'monday';

/**
 * When a snooze ends: office start of the next working day after today, or of the next Monday
 * after today (moved on to the next working day when that Monday is a holiday).
 */
export function snoozeEnd(now: Date, until: SnoozeUntil, hours: OfficeHours): Date {
  const today = DateTime.fromISO(stockholmDate(now), { zone: STOCKHOLM_ZONE });
  const days = until === 'monday' ? (8 - today.weekday) % 7 || 7 : 1;
  const day = today.plus({ days }).toISODate() as string;
  return nextOfficeTime(stockholmAt(day, '00:00'), hours);
}

/**
 * "Påminn mig på måndag": pauses the person's digests until then and gives the snoozed
 * digest's items back, so the first digest after the pause brings them again.
 */
export async function snoozeReminders(
  s: Services,
  actor: Actor,
  digestId: string,
  until: SnoozeUntil,
  activityId?: string,
): Promise<Date> {
  if (recipientOfDigest(digestId) !== actor.aadObjectId)
    throw new DomainError('forbidden', 'not your digest');
  const now = s.clock();
  const end = snoozeEnd(now, until, s.reminders.settings.officeHours);
  const before = await s.reminders.prefs.get(actor.aadObjectId);
  await s.reminders.prefs.set(actor.aadObjectId, { snoozedUntil: end.toISOString() }, now);
  const rearmed = await s.reminders.ledger.rearmDigest(digestId, end);
  await s.audit.append({
    at: now.toISOString(),
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'reminders.snoozed',
    entityType: 'person',
    entityId: actor.aadObjectId,
    before: { snoozedUntil: before?.snoozedUntil },
    after: { snoozedUntil: end.toISOString(), digestId, rearmed },
    activityId,
  });
  return end;
}

/** Switches non-mandatory nudges off (or on again); reports on funded projects always come. */
export async function setReminderOptOut(
  s: Services,
  actor: Actor,
  optOut: boolean,
  activityId?: string,
): Promise<ReminderPrefsDoc> {
  const now = s.clock();
  const before = await s.reminders.prefs.get(actor.aadObjectId);
  const after = await s.reminders.prefs.set(actor.aadObjectId, { optOut }, now);
  if ((before?.optOut ?? false) !== optOut) {
    await s.audit.append({
      at: now.toISOString(),
      actorId: actor.aadObjectId,
      actorName: actor.name,
      action: optOut ? 'reminders.opted_out' : 'reminders.opted_in',
      entityType: 'person',
      entityId: actor.aadObjectId,
      before: { optOut: before?.optOut ?? false },
      after: { optOut },
      activityId,
    });
  }
  return after;
}
