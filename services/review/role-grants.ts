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

/** Every role, in the order the roles card lists them. */
export const ALL_ROLES: readonly Role[] = [
  'admin',
  'coach',
  'reviewer',
  'chair',
  'it',
  'decisionMaker',
];

/** What is wrong with one field of the roles form. */
export type RolesFieldError = 'own_admin' | 'unknown_person' | 'pick_role';

/** The roles form after "Spara": who changed, or what to fix (then nothing was saved). */
export interface RolesFormResult {
  changed: string[];
  errors: Record<string, RolesFieldError>;
  drafts: Record<string, string>;
}

const AAD = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function roleList(raw: unknown): Role[] | null {
  const text = typeof raw === 'string' ? raw : '';
  const out: Role[] = [];
  for (const v of text
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0)) {
    if (!ALL_ROLES.includes(v as Role)) return null;
    if (!out.includes(v as Role)) out.push(v as Role);
  }
  return out;
}

/**
 * The roles card's form: for each person listed (`people`), the roles ticked in `roles_<aad id>`
 * (an emptied choice is left out by clients: no roles), plus a new person by e-mail address or
 * AAD id with `new_roles`. Everything is checked before anything is saved; changes are audited.
 */
export async function saveRolesForm(
  s: Services,
  actor: Actor,
  data: Record<string, unknown>,
  activityId?: string,
): Promise<RolesFormResult> {
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin')))
    throw new DomainError('forbidden', 'admins only', { reason: 'admin_only' });
  const errors: Record<string, RolesFieldError> = {};
  const drafts: Record<string, string> = {};
  const wanted: { id: string; name?: string; roles: Role[] }[] = [];
  const people = (typeof data.people === 'string' ? data.people : '')
    .split(',')
    .map((x) => x.trim().toLowerCase())
    .filter((x) => AAD.test(x))
    .slice(0, 200);
  for (const id of people) {
    const key = `roles_${id}`;
    const roles = roleList(data[key]);
    if (roles === null) throw new DomainError('invalid_input', 'bad role', { reason: 'bad_input' });
    drafts[key] = roles.join(',');
    if (id === actor.aadObjectId && !roles.includes('admin')) {
      const user = await s.users.get(id);
      if (user?.roles?.includes('admin')) errors[key] = 'own_admin';
    }
    wanted.push({ id, roles });
  }
  const newPerson = typeof data.new_person === 'string' ? data.new_person.trim() : '';
  const newRoles = roleList(data.new_roles);
  if (newRoles === null)
    throw new DomainError('invalid_input', 'bad role', { reason: 'bad_input' });
  drafts.new_person = newPerson;
  drafts.new_roles = newRoles.join(',');
  if (newPerson) {
    let found: UserDoc | null = null;
    if (AAD.test(newPerson)) {
      found = (await s.users.get(newPerson)) ?? {
        _id: newPerson.toLowerCase(),
        roles: [],
        updatedAt: '',
      };
    } else if (newPerson.includes('@')) {
      const email = newPerson.toLowerCase();
      const users = await s.store.collection<UserDoc>('users').find({ email: { $exists: true } });
      found = users.find((u) => u.email?.toLowerCase() === email) ?? null;
    }
    if (!found) errors.new_person = 'unknown_person';
    else if (newRoles.length === 0) errors.new_roles = 'pick_role';
    else {
      const existing = wanted.find((w) => w.id === found!._id);
      if (existing) existing.roles = [...new Set([...existing.roles, ...newRoles])];
      else
        wanted.push({
          id: found._id,
          name: found.name,
          roles: [...new Set([...(found.roles ?? []), ...newRoles])],
        });
    }
  } else if (newRoles.length > 0) errors.new_person = 'unknown_person';
  if (Object.keys(errors).length > 0) return { changed: [], errors, drafts };
  const changed: string[] = [];
  for (const w of wanted) {
    const before = await s.users.get(w.id);
    const current = before?.roles ?? [];
    const add = w.roles.filter((r) => !current.includes(r));
    const remove = current.filter((r) => !w.roles.includes(r));
    if (add.length === 0 && remove.length === 0) continue;
    const after = await changeRoles(
      s,
      actor,
      { aadObjectId: w.id, name: w.name },
      add,
      remove,
      activityId,
    );
    changed.push(after.name ?? w.name ?? '');
  }
  return { changed, errors: {}, drafts: {} };
}
