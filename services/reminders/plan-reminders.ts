import { stockholmDate } from '../followup/report-schedule';
import { runCoachSla } from '../coaching/coach-sla';
import { LeaseRepository } from '../scheduler/leases';
import type { Services } from '../services';
import { nextOfficeTime } from '../shared/working-days';
import { collectReminders } from './collect-reminders';
import {
  ChannelReminder,
  DIGEST_MAX_ITEMS,
  DigestItem,
  digestIdFor,
  PersonReminder,
} from './reminder';
import { REMINDER_KINDS } from './reminder-settings';

/** One person's digest that would go (or goes) out now. */
export interface DigestPlan {
  digestId: string;
  recipientId: string;
  items: PersonReminder[];
}

/** Due reminders that wait, and why. */
export interface WaitingPlan {
  recipientId: string;
  reason: 'snoozed' | 'digest_sent_today' | 'outside_office_hours';
  until?: string;
  items: PersonReminder[];
}

/** What the scheduler would do now: the dry-run listing and the input of `applyReminderPlan`. */
export interface ReminderPlan {
  at: string;
  /** The Stockholm day (one digest per person per day). */
  day: string;
  officeOpen: boolean;
  /** The next office time, when closed now. */
  opensAt?: string;
  dryRun: boolean;
  digests: DigestPlan[];
  channel: ChannelReminder[];
  channelWaiting: ChannelReminder[];
  waiting: WaitingPlan[];
  /** Non-mandatory reminders of people who opted out (never sent). */
  optedOut: { recipientId: string; items: PersonReminder[] }[];
  /** Reminders that will come due later, soonest first. */
  upcoming: (PersonReminder | ChannelReminder)[];
}

const UPCOMING_MAX = 25;

/**
 * Computes what is due now from the state: for each series only the latest due stage, minus
 * what the ledger says was delivered, grouped into one digest per person per day, respecting
 * snoozes, opt-outs and office hours. Reads only; `applyReminderPlan` writes.
 */
export async function planReminders(s: Services, now: Date = s.clock()): Promise<ReminderPlan> {
  const settings = s.reminders.settings;
  const collected = await collectReminders(s, now);
  const opens = nextOfficeTime(now, settings.officeHours);
  const officeOpen = opens.getTime() === now.getTime();
  const day = stockholmDate(now);
  const nowIso = now.toISOString();

  const bySeries = new Map<string, PersonReminder[]>();
  for (const r of collected.person) bySeries.set(r.series, [...(bySeries.get(r.series) ?? []), r]);
  const due: PersonReminder[] = [];
  const upcoming: (PersonReminder | ChannelReminder)[] = [];
  for (const stages of bySeries.values()) {
    const sorted = stages.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    const latestDue = sorted.filter((r) => r.dueAt <= nowIso).pop();
    if (latestDue) due.push(latestDue);
    const next = sorted.find((r) => r.dueAt > nowIso);
    if (next) upcoming.push(next);
  }

  const ledger = await s.reminders.ledger.getMany(due.map((r) => r.key));
  const eligible: PersonReminder[] = [];
  const later = new Map<string, { until: string; items: PersonReminder[] }>();
  for (const r of due) {
    const e = ledger.get(r.key);
    if (
      !e ||
      e.digestId === digestIdFor(r.recipientId, day) ||
      (e.digestId === null && (e.rearmAt ?? '') <= nowIso)
    ) {
      eligible.push(r);
    } else if (e.digestId === null && e.rearmAt) {
      // Given back by a snooze: due again when the snooze ends.
      const w = later.get(r.recipientId) ?? { until: e.rearmAt, items: [] };
      w.items.push(r);
      later.set(r.recipientId, w);
    }
  }

  const byPerson = new Map<string, PersonReminder[]>();
  for (const r of eligible)
    byPerson.set(r.recipientId, [...(byPerson.get(r.recipientId) ?? []), r]);
  const prefs = await s.reminders.prefs.getMany([...byPerson.keys()]);
  const plan: ReminderPlan = {
    at: nowIso,
    day,
    officeOpen,
    opensAt: officeOpen ? undefined : opens.toISOString(),
    dryRun: settings.dryRun,
    digests: [],
    channel: [],
    channelWaiting: [],
    waiting: [],
    optedOut: [],
    upcoming: [],
  };
  for (const [recipientId, w] of later) {
    if (!byPerson.has(recipientId))
      plan.waiting.push({ recipientId, reason: 'snoozed', until: w.until, items: w.items });
  }
  for (const [recipientId, all] of byPerson) {
    const p = prefs.get(recipientId);
    let items = all.sort(
      (a, b) => Number(b.mandatory) - Number(a.mandatory) || a.dueAt.localeCompare(b.dueAt),
    );
    if (p?.optOut) {
      const dropped = items.filter((r) => !r.mandatory);
      if (dropped.length > 0) plan.optedOut.push({ recipientId, items: dropped });
      items = items.filter((r) => r.mandatory);
    }
    if (items.length === 0) continue;
    const digestId = digestIdFor(recipientId, day);
    if (p?.snoozedUntil && p.snoozedUntil > nowIso) {
      plan.waiting.push({ recipientId, reason: 'snoozed', until: p.snoozedUntil, items });
    } else if (await s.outbox.get(digestId)) {
      const fresh = items.filter((r) => ledger.get(r.key)?.digestId !== digestId);
      if (fresh.length > 0)
        plan.waiting.push({ recipientId, reason: 'digest_sent_today', items: fresh });
    } else if (!officeOpen) {
      plan.waiting.push({
        recipientId,
        reason: 'outside_office_hours',
        until: opens.toISOString(),
        items,
      });
    } else {
      plan.digests.push({ digestId, recipientId, items });
    }
  }

  for (const c of collected.channel) {
    if (c.dueAt > nowIso) {
      upcoming.push(c);
      continue;
    }
    if (await s.outbox.get(c.id)) continue;
    (officeOpen ? plan.channel : plan.channelWaiting).push(c);
  }
  plan.upcoming = upcoming.sort((a, b) => a.dueAt.localeCompare(b.dueAt)).slice(0, UPCOMING_MAX);
  return plan;
}

/** What a run did. */
export interface ReminderRunResult {
  plan: ReminderPlan;
  digestsQueued: number;
  channelQueued: number;
}

const stored = (r: PersonReminder): DigestItem => ({
  key: r.key,
  kind: r.kind,
  dueAt: r.dueAt,
  params: r.params,
  action: r.action,
  mandatory: r.mandatory,
});

/**
 * Writes a plan: per digest, under a short lease, claims the items in the ledger and queues the
 * digest under its deterministic id (`digest:<person>:<day>`); channel reminders are queued
 * under theirs. Two instances running this at once queue nothing twice, and a crash between
 * the ledger and the outbox is repaired by the next run (items claimed for today's digest are
 * picked up again). Every queued message is audited.
 */
export async function applyReminderPlan(
  s: Services,
  plan: ReminderPlan,
  owner: string,
  now: Date = s.clock(),
): Promise<ReminderRunResult> {
  const leases = new LeaseRepository(s.store);
  let digestsQueued = 0;
  let channelQueued = 0;
  for (const d of plan.digests) {
    const leaseKey = `lease:${d.digestId}`;
    if (!(await leases.acquire(leaseKey, owner, Date.now(), 60_000))) continue;
    try {
      if (await s.outbox.get(d.digestId)) continue;
      // At most DIGEST_MAX_ITEMS a day: the rest stay unclaimed and come in the next digest.
      const already = await s.reminders.ledger.forDigest(d.digestId);
      for (const item of d.items.slice(0, Math.max(0, DIGEST_MAX_ITEMS - already.length))) {
        await s.reminders.ledger.claim(d.recipientId, stored(item), d.digestId, now);
      }
      const entries = await s.reminders.ledger.forDigest(d.digestId);
      if (entries.length === 0) continue;
      // Equal due times go in the kinds' order, then by key: the store's order of ties is its own.
      const items = entries
        .map((e) => e.item)
        .sort(
          (a, b) =>
            Number(b.mandatory) - Number(a.mandatory) ||
            a.dueAt.localeCompare(b.dueAt) ||
            REMINDER_KINDS.indexOf(a.kind) - REMINDER_KINDS.indexOf(b.kind) ||
            a.key.localeCompare(b.key),
        );
      const queued = await s.outbox.enqueue(
        d.digestId,
        { kind: 'user', aadObjectId: d.recipientId },
        {
          card: {
            template: 'reminder-digest',
            model: { digestId: d.digestId, day: plan.day, items },
          },
        },
        now,
        now,
        { bulk: true },
      );
      if (queued) {
        digestsQueued++;
        await s.audit.append({
          at: now.toISOString(),
          actorId: 'system:scheduler',
          action: 'reminders.digest_queued',
          entityType: 'person',
          entityId: d.recipientId,
          after: { digestId: d.digestId, keys: items.map((i) => i.key) },
        });
      }
    } finally {
      await leases.release(leaseKey, owner);
    }
  }
  for (const c of plan.channel) {
    if (c.external) continue;
    const queued = await s.outbox.enqueue(
      c.id,
      { kind: 'channel', channelId: c.channelId, teamId: c.teamId, threadId: c.threadId },
      { card: c.card },
      now,
      now,
      { bulk: true },
    );
    if (queued) {
      channelQueued++;
      await s.audit.append({
        at: now.toISOString(),
        actorId: 'system:scheduler',
        action: 'reminders.channel_queued',
        entityType: 'channel',
        entityId: c.channelId,
        after: { outboxId: c.id, kind: c.kind },
      });
    }
  }
  return { plan, digestsQueued, channelQueued };
}

/** One scheduler run: plan from the state, and (unless dry-run) queue what is due. */
export async function runReminders(
  s: Services,
  owner: string,
  now: Date = s.clock(),
): Promise<ReminderRunResult> {
  const plan = await planReminders(s, now);
  if (plan.dryRun) {
    s.log.info(
      {
        dryRun: true,
        digests: plan.digests.map((d) => ({ to: d.recipientId, items: d.items.map((i) => i.key) })),
        channel: plan.channel.map((c) => c.id),
      },
      'reminders dry run: would send',
    );
    return { plan, digestsQueued: 0, channelQueued: 0 };
  }
  const result = await applyReminderPlan(s, plan, owner, now);
  if (s.reminders.settings.enabled.coachSla) {
    const coach = await runCoachSla(s, now);
    result.channelQueued += coach.reminders;
  }
  return result;
}
