import { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { normalizeCommand } from '../shared/text';
import { Role, UserDoc } from '../users/user-repository';
import { forgetGrants } from './eligibility';
import { bySwedishName } from './tally';

/** Role words an admin may write, Swedish and English (normalised). */
const ROLE_WORDS: Record<string, Role> = {
  admin: 'admin',
  administrator: 'admin',
  coach: 'coach',
  projektcoach: 'coach',
  ledamot: 'reviewer',
  reviewer: 'reviewer',
  granskare: 'reviewer',
  ordforande: 'chair',
  chair: 'chair',
  it: 'it',
  beslutsfattare: 'decisionMaker',
  decisionmaker: 'decisionMaker',
  'decision-maker': 'decisionMaker',
};

/** A role from a word such as "ordförande" or "chair"; null when unknown. */
export function roleOf(word: string): Role | null {
  return ROLE_WORDS[normalizeCommand(word)] ?? null;
}

/** Roles to add and remove, or the words that are not roles. */
export type RoleChanges =
  { kind: 'ok'; add: Role[]; remove: Role[] } | { kind: 'bad'; words: string[] };

/** Reads "+ordförande -ledamot it" (a bare word adds). */
export function parseRoleChanges(text: string): RoleChanges {
  const add: Role[] = [];
  const remove: Role[] = [];
  const bad: string[] = [];
  for (const token of text.split(/[\s,]+/).filter((t) => t.length > 0)) {
    const sign = token[0] === '-' ? '-' : '+';
    const word = token.replace(/^[+-]/, '');
    const role = roleOf(word);
    if (!role) bad.push(token);
    else if (sign === '-') remove.push(role);
    else add.push(role);
  }
  if (bad.length > 0) return { kind: 'bad', words: bad };
  return { kind: 'ok', add, remove };
}

/**
 * Grants or removes roles (project office only). Roles are stored on the user by AAD object id,
 * and every change is audited. Admins from configuration (BOT_ADMINS) stay admins.
 */
export async function changeRoles(
  s: Services,
  actor: Actor,
  target: { aadObjectId: string; name?: string },
  add: Role[],
  remove: Role[],
  activityId?: string,
): Promise<UserDoc> {
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin'))) {
    throw new DomainError('forbidden', 'admins only', { reason: 'admin_only' });
  }
  const id = target.aadObjectId.toLowerCase();
  if (!/^[0-9a-f-]{8,64}$/.test(id))
    throw new DomainError('invalid_input', 'bad person', { reason: 'unknown_person' });
  if (id === actor.aadObjectId && remove.includes('admin')) {
    throw new DomainError('invalid_state', 'own admin', { reason: 'own_admin' });
  }
  const now = s.clock();
  const before =
    (await s.users.get(id)) ?? (await s.users.upsertProfile(id, { name: target.name }, now));
  const roles = [...new Set([...(before.roles ?? []).filter((r) => !remove.includes(r)), ...add])];
  const same =
    roles.length === (before.roles ?? []).length && roles.every((r) => before.roles?.includes(r));
  if (same) return before;
  const after = (await s.users.setRoles(id, roles, now)) ?? before;
  forgetGrants(s);
  await s.audit.append({
    at: now.toISOString(),
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'user.roles_changed',
    entityType: 'user',
    entityId: id,
    before: { roles: before.roles ?? [] },
    after: { roles },
    activityId,
  });
  return after;
}

/** Everybody with at least one role, for `roller` without arguments. */
export async function usersWithRoles(s: Pick<Services, 'store'>): Promise<UserDoc[]> {
  const users = (
    await s.store.collection<UserDoc>('users').find({ roles: { $exists: true } })
  ).filter((u) => Array.isArray(u.roles) && u.roles.length > 0);
  return users.sort((a, b) => bySwedishName(a.name ?? a._id, b.name ?? b._id));
}
