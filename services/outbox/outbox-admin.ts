import type { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { OutboxCounts, OutboxMessage } from './outbox-repository';

/** What the project office sees of the outbox: counts, and the messages that need a person. */
export interface OutboxOverview {
  counts: OutboxCounts;
  dead: OutboxMessage[];
  failed: OutboxMessage[];
  uncertain: OutboxMessage[];
}

const SHOWN = 10;

async function requireAdmin(s: Services, actor: Actor): Promise<void> {
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin')))
    throw new DomainError('forbidden', 'admins only');
}

/** Counts per status and the latest dead, failed and uncertain messages (admins only). */
export async function outboxOverview(s: Services, actor: Actor): Promise<OutboxOverview> {
  await requireAdmin(s, actor);
  const latest = async (status: 'dead' | 'failed' | 'uncertain') =>
    s.outbox.col.find({ status }, { sort: { createdAt: -1 }, limit: SHOWN });
  return {
    counts: await s.outbox.counts(),
    dead: await latest('dead'),
    failed: await latest('failed'),
    uncertain: await latest('uncertain'),
  };
}

/**
 * One admin action on one message: check the role, apply the store change, refuse when the
 * message was not in a state for it, and audit before and after.
 */
async function adminAction(
  s: Services,
  actor: Actor,
  id: string,
  activityId: string | undefined,
  action: string,
  refusal: string,
  apply: (now: Date) => Promise<OutboxMessage | null>,
  describe: (before: OutboxMessage) => Record<string, unknown>,
): Promise<OutboxMessage> {
  await requireAdmin(s, actor);
  const before = await s.outbox.get(id);
  const now = s.clock();
  const after = await apply(now);
  if (!before || !after)
    throw new DomainError('invalid_state', refusal, { status: before?.status ?? 'missing' });
  await s.audit.append({
    at: now.toISOString(),
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action,
    entityType: 'outbox',
    entityId: id,
    before: describe(before),
    after: { status: after.status },
    activityId,
  });
  return after;
}

/**
 * Sends a dead, failed or uncertain message again. For an uncertain one the admin has checked
 * that it did not arrive: the bot itself never re-sends it, because Teams cannot be asked.
 */
export async function retryOutboxMessage(
  s: Services,
  actor: Actor,
  id: string,
  activityId?: string,
): Promise<OutboxMessage> {
  return adminAction(
    s,
    actor,
    id,
    activityId,
    'outbox.retried',
    'message not retryable',
    (now) => s.outbox.requeue(id, actor.aadObjectId, now),
    (b) => ({ status: b.status, attempts: b.attempts, lastError: b.lastError }),
  );
}

/** Records that an uncertain message did arrive (the admin checked): it is never sent again. */
export async function confirmOutboxDelivered(
  s: Services,
  actor: Actor,
  id: string,
  activityId?: string,
): Promise<OutboxMessage> {
  return adminAction(
    s,
    actor,
    id,
    activityId,
    'outbox.marked_delivered',
    'message not uncertain',
    (now) => s.outbox.confirmDelivered(id, actor.aadObjectId, now),
    (b) => ({ status: b.status, lastError: b.lastError }),
  );
}
