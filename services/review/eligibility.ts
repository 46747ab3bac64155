import { RosterMember } from '../channels/channel-repository';
import { Services } from '../services';
import { personName, UserDoc } from '../users/user-repository';
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

/**
 * How long one process reuses the list of explicit role grants (reviewer, chair, portfolio
 * roles) before reading it again. Several instances share one database and each keeps its own
 * copy, so this is the documented bound (docs/architecture.md, "Several instances"): a grant
 * made or revoked on one instance reaches every other instance at most this long afterwards (on
 * the instance that made the change, at once). Chair and IT rights are read from the person's
 * own user document on every action and are not cached at all. Short enough that an admin
 * cannot tell, long enough that a burst of votes on a card reads the grants once.
 */
export const GRANT_TTL_MS = 2_000;
const grantCache = new WeakMap<object, { at: number; users: Promise<UserDoc[]> }>();

/**
 * Users with an explicit reviewer or chair grant (global or for a portfolio); cached for
 * {@link GRANT_TTL_MS}. Votes that arrive together share one read: the first starts it, the rest
 * wait for it (two hundred members voting at once read the grants once, not two hundred times).
 */
function grantedUsers(s: Pick<Services, 'store' | 'users'>): Promise<UserDoc[]> {
  const hit = grantCache.get(s.users);
  const now = Date.now();
  if (hit && now >= hit.at && now - hit.at < GRANT_TTL_MS) return hit.users;
  const users = s.store.collection<UserDoc>('users').find({
    $or: [{ roles: 'reviewer' }, { roles: 'chair' }, { portfolioRoles: { $exists: true } }],
  });
  grantCache.set(s.users, { at: now, users });
  // A failed read is not kept: the next vote reads again.
  users.catch(() => {
    if (grantCache.get(s.users)?.users === users) grantCache.delete(s.users);
  });
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

/** Whether a user is a voting member of a portfolio's review group (reviewer or chair). */
export function isVoterOf(user: UserDoc, portfolioId: string): boolean {
  return hasScopedRole(user, 'reviewer', portfolioId) || hasScopedRole(user, 'chair', portfolioId);
}

/**
 * Everybody who may vote on an item: the portfolio's review group, i.e. the people with the
 * reviewer or chair role (for all portfolios or this one). Only when nobody holds such a role is
 * the group the channel's members (a group defined by its channel). The roster also gives the
 * Teams ids for the card's user-specific views. Others in the channel (the applicant, coaches)
 * see the card but do not count.
 */
export async function eligibleMembers(
  s: Pick<Services, 'store' | 'users'>,
  dir: MemberDirectory,
  item: Pick<ReviewItemDoc, 'channelId' | 'teamId' | 'portfolioId'>,
): Promise<Map<string, EligibleMember>> {
  const roster =
    (item.channelId ? await dir.membersOf(item.channelId, item.teamId) : null) ?? NO_ROSTER;
  const grants = await grantedUsers(s);
  // One channel may serve several portfolios (seed 004): one entry per portfolio.
  const perPortfolio = eligibleCache.get(roster);
  const hit = perPortfolio?.get(item.portfolioId);
  if (hit && hit.grants === grants) return hit.map;
  const out = new Map<string, EligibleMember>();
  const voters = grants.filter((u) => isVoterOf(u, item.portfolioId));
  if (voters.length > 0) {
    const inRoster = new Map(roster.map((m) => [m.aadObjectId.toLowerCase(), m]));
    for (const u of voters) {
      const m = inRoster.get(u._id);
      out.set(u._id, {
        aadObjectId: u._id,
        name: personName(u.name, u._id) ?? personName(m?.name, u._id, m?.id) ?? '',
        teamsId: m?.id,
        email: u.email ?? m?.email,
      });
    }
  } else {
    for (const m of roster) {
      const id = m.aadObjectId.toLowerCase();
      out.set(id, {
        aadObjectId: id,
        name: personName(m.name, id, m.id) ?? '',
        teamsId: m.id,
        email: m.email,
      });
    }
  }
  const entries =
    perPortfolio ?? new Map<string, { grants: UserDoc[]; map: Map<string, EligibleMember> }>();
  entries.set(item.portfolioId, { grants, map: out });
  if (!perPortfolio) eligibleCache.set(roster, entries);
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
