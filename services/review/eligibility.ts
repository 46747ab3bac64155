import { RosterMember } from '../channels/channel-repository';
import { Services } from '../services';
import { UserDoc } from '../users/user-repository';
import { ReviewItemDoc } from './review-types';

/**
 * Who is in a channel. The Teams edge implements it with the roster (cached with a short
 * expiry); services only ask, so they stay free of botbuilder.
 */
export interface MemberDirectory {
  /** Members of a channel, or null when they are unknown (Teams unreachable and nothing cached). */
  membersOf(channelId: string, teamId?: string): Promise<RosterMember[] | null>;
}

/** A directory that only reads what is cached, whatever its age (outside a Teams turn). */
export function cachedDirectory(s: Pick<Services, 'channels'>): MemberDirectory {
  return {
    membersOf: async (channelId) => (await s.channels.roster(channelId))?.members ?? null,
  };
}

/** A person who may take part in an item: from the channel roster or an explicit role grant. */
export interface EligibleMember {
  aadObjectId: string;
  name: string;
  /** Bot Framework id (29:…) when the roster gave one; used for the card's refresh userIds. */
  teamsId?: string;
  email?: string;
}

const GRANT_TTL_MS = 30_000;
const grantCache = new WeakMap<object, { at: number; users: UserDoc[] }>();

/** Users with an explicit reviewer or chair grant (global or for a portfolio); cached briefly. */
async function grantedUsers(s: Pick<Services, 'store' | 'users'>): Promise<UserDoc[]> {
  const hit = grantCache.get(s.users);
  const now = Date.now();
  if (hit && now - hit.at < GRANT_TTL_MS) return hit.users;
  const users = await s.store.collection<UserDoc>('users').find({
    $or: [{ roles: 'reviewer' }, { roles: 'chair' }, { portfolioRoles: { $exists: true } }],
  });
  grantCache.set(s.users, { at: now, users });
  return users;
}

/** Forgets cached grants (after an admin changed roles in this process). */
export function forgetGrants(s: Pick<Services, 'users'>): void {
  grantCache.delete(s.users);
}

function hasScopedRole(
  user: UserDoc,
  role: 'reviewer' | 'chair' | 'it',
  portfolioId: string,
): boolean {
  if (user.roles?.includes(role)) return true;
  return !!user.portfolioRoles?.some((r) => r.role === role && r.portfolioId === portfolioId);
}

/** The last map built per roster list and grant list (both cached objects): votes reuse it. */
const eligibleCache = new WeakMap<
  object,
  Map<string, { grants: UserDoc[]; map: Map<string, EligibleMember> }>
>();
const NO_ROSTER: RosterMember[] = [];

/** Everybody who may vote on an item: the channel's members plus explicit reviewer and chair grants. */
export async function eligibleMembers(
  s: Pick<Services, 'store' | 'users'>,
  dir: MemberDirectory,
  item: Pick<ReviewItemDoc, 'channelId' | 'teamId' | 'portfolioId'>,
): Promise<Map<string, EligibleMember>> {
  const roster =
    (item.channelId ? await dir.membersOf(item.channelId, item.teamId) : null) ?? NO_ROSTER;
  const grants = await grantedUsers(s);
  // One channel may serve several portfolios (seed 004): one entry per portfolio.
  const perPortfolio = roster !== NO_ROSTER ? eligibleCache.get(roster) : undefined;
  const hit = perPortfolio?.get(item.portfolioId);
  if (hit && hit.grants === grants) return hit.map;
  const out = new Map<string, EligibleMember>();
  for (const m of roster) {
    const id = m.aadObjectId.toLowerCase();
    out.set(id, { aadObjectId: id, name: m.name, teamsId: m.id, email: m.email });
  }
  if (roster !== NO_ROSTER) {
    const entries =
      perPortfolio ?? new Map<string, { grants: UserDoc[]; map: Map<string, EligibleMember> }>();
    entries.set(item.portfolioId, { grants, map: out });
    if (!perPortfolio) eligibleCache.set(roster, entries);
  }
  for (const u of grants) {
    if (out.has(u._id)) continue;
    if (
      hasScopedRole(u, 'reviewer', item.portfolioId) ||
      hasScopedRole(u, 'chair', item.portfolioId)
    ) {
      out.set(u._id, { aadObjectId: u._id, name: u.name ?? u._id, email: u.email });
    }
  }
  return out;
}

/** What the acting person may do on an item. */
export interface Membership {
  member: boolean;
  chair: boolean;
  it: boolean;
  user: UserDoc | null;
  eligible: Map<string, EligibleMember>;
}

/** Decides the actor's rights on an item from their AAD object id only. */
export async function membershipOf(
  s: Pick<Services, 'store' | 'users'>,
  dir: MemberDirectory,
  item: Pick<ReviewItemDoc, 'channelId' | 'teamId' | 'portfolioId'>,
  aadObjectId: string,
): Promise<Membership> {
  const id = aadObjectId.toLowerCase();
  const [eligible, user] = await Promise.all([eligibleMembers(s, dir, item), s.users.get(id)]);
  return {
    member: eligible.has(id),
    chair: !!user && hasScopedRole(user, 'chair', item.portfolioId),
    it: !!user && hasScopedRole(user, 'it', item.portfolioId),
    user,
    eligible,
  };
}
