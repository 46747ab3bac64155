import { refusalCard } from '../../cards/common-cards';
import { AdaptiveCard } from '../../cards/render';
import { outboxAdminCard, remindersDryRunCard } from '../../cards/reminder-cards';
import { fmt } from '../../cards/strings';
import { fs } from '../../cards/strings/followup-strings';
import {
  confirmOutboxDelivered,
  outboxOverview,
  retryOutboxMessage,
} from '../../services/outbox/outbox-admin';
import { planReminders } from '../../services/reminders/plan-reminders';
import type { Services } from '../../services/services';
import { Actor } from '../../services/shared/actor';
import { DomainError } from '../../services/shared/domain-error';
import { VerbHandler } from '../handler-types';

async function namesOf(s: Services, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of new Set(ids)) {
    const u = await s.users.get(id);
    if (u?.name) out.set(id, u.name);
  }
  return out;
}

/** The outbox overview card for an admin (a refusal for anyone else). */
export async function outboxCardFor(s: Services, actor: Actor, notice = ''): Promise<AdaptiveCard> {
  try {
    const o = await outboxOverview(s, actor);
    const ids = [...o.dead, ...o.failed, ...o.uncertain].flatMap((m) =>
      m.target.kind === 'user' ? [m.target.aadObjectId] : [],
    );
    return outboxAdminCard(actor.locale, o, await namesOf(s, ids), notice);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'forbidden')
      return refusalCard(actor.locale, fs(actor.locale).refusals.adminOnly);
    throw err;
  }
}

/** The dry-run card: what the reminder scheduler would send now (admins only). */
export async function dryRunCardFor(s: Services, actor: Actor): Promise<AdaptiveCard> {
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin')))
    return refusalCard(actor.locale, fs(actor.locale).refusals.adminOnly);
  const plan = await planReminders(s);
  const ids = [
    ...plan.digests.map((d) => d.recipientId),
    ...plan.waiting.map((w) => w.recipientId),
    ...plan.optedOut.map((o) => o.recipientId),
    ...plan.upcoming.flatMap((u) => ('recipientId' in u ? [u.recipientId] : [])),
  ];
  return remindersDryRunCard(actor.locale, plan, await namesOf(s, ids));
}

/** `outbox.view`: refresh the outbox overview. */
export const outboxView: VerbHandler = async (_context, { deps, actor }) =>
  outboxCardFor(deps.services, actor);

/** `outbox.retry`: an admin sends a dead, failed or uncertain message again. */
export const outboxRetry: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  const id = typeof data.id === 'string' ? data.id : '';
  try {
    await retryOutboxMessage(deps.services, actor, id, activityId);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'invalid_state')
      return outboxCardFor(deps.services, actor, fs(actor.locale).refusals.gone);
    if (err instanceof DomainError)
      return refusalCard(actor.locale, fs(actor.locale).refusals.adminOnly);
    throw err;
  }
  return outboxCardFor(deps.services, actor, fmt(fs(actor.locale).outbox.retried, { id }));
};

/** `outbox.markDelivered`: an admin confirms an uncertain message did arrive. */
export const outboxMarkDelivered: VerbHandler = async (
  _context,
  { deps, actor, data, activityId },
) => {
  const id = typeof data.id === 'string' ? data.id : '';
  try {
    await confirmOutboxDelivered(deps.services, actor, id, activityId);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'invalid_state')
      return outboxCardFor(deps.services, actor, fs(actor.locale).refusals.gone);
    if (err instanceof DomainError)
      return refusalCard(actor.locale, fs(actor.locale).refusals.adminOnly);
    throw err;
  }
  return outboxCardFor(deps.services, actor, fmt(fs(actor.locale).outbox.marked, { id }));
};

/** `reminders.dryRun`: refresh the dry-run listing. */
export const remindersDryRun: VerbHandler = async (_context, { deps, actor }) =>
  dryRunCardFor(deps.services, actor);
