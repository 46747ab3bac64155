import { TurnContext } from 'botbuilder';
import { ConnectorClient } from 'botframework-connector';
import { ROSTER_TTL_MS, RosterMember } from '../services/channels/channel-repository';
import { cachedDirectory, MemberDirectory } from '../services/review/eligibility';
import { Services } from '../services/services';
import { personName } from '../services/users/user-repository';

const PAGE_SIZE = 500;
const MAX_PAGES = 40;
const FETCH_TIMEOUT_MS = 5000;
/** After a failed fetch Teams is not asked again for this long (the cached roster is used). */
const RETRY_AFTER_FAILURE_MS = 30_000;
const failedAt = new WeakMap<Services, Map<string, number>>();

/** One fetch per channel at a time, shared by concurrent turns (50 votes at once ask Teams once). */
const inFlightByServices = new WeakMap<Services, Map<string, Promise<RosterMember[] | null>>>();

interface PagedMember {
  id?: string;
  name?: string;
  aadObjectId?: string;
  objectId?: string;
  email?: string;
  userPrincipalName?: string;
}

function toMember(m: PagedMember): RosterMember | null {
  const aad = (m.aadObjectId ?? m.objectId ?? '').toLowerCase();
  if (!m.id || !/^[0-9a-f-]{8,64}$/.test(aad) || m.id.startsWith('28:')) return null;
  return {
    id: m.id,
    aadObjectId: aad,
    name: personName(m.name, aad, m.id) ?? '',
    email: m.email ?? m.userPrincipalName,
  };
}

async function fetchPaged(
  client: ConnectorClient,
  conversationId: string,
): Promise<RosterMember[]> {
  const members: RosterMember[] = [];
  let continuationToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await client.conversations.getConversationPagedMembers(
      conversationId,
      // The SDK's type wants a token, but leaves an undefined one out of the query (as TeamsInfo does).
      { pageSize: PAGE_SIZE, continuationToken: continuationToken as string },
    );
    for (const m of (res.members ?? []) as PagedMember[]) {
      const member = toMember(m);
      if (member) members.push(member);
    }
    continuationToken = res.continuationToken ?? undefined;
    if (!continuationToken) break;
  }
  return members;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error('roster fetch timed out')), ms).unref(),
    ),
  ]);
}

/**
 * The members of a channel from Teams' roster (the channel's own members; a standard channel
 * answers with the team's), cached in the store with a short expiry. When Teams cannot be asked,
 * an older cached roster is used rather than none.
 */
export function teamsDirectory(context: TurnContext, s: Services): MemberDirectory {
  const cached = cachedDirectory(s);
  let inFlight = inFlightByServices.get(s);
  if (!inFlight) {
    inFlight = new Map();
    inFlightByServices.set(s, inFlight);
  }
  const flights = inFlight;
  return {
    async membersOf(channelId: string, teamId?: string): Promise<RosterMember[] | null> {
      const hit = await s.channels.roster(channelId);
      const now = s.clock();
      if (hit && now.getTime() - hit.fetchedAt < ROSTER_TTL_MS) return hit.members;
      const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
      if (!client) return cached.membersOf(channelId, teamId);
      const failures = failedAt.get(s) ?? new Map<string, number>();
      failedAt.set(s, failures);
      if (now.getTime() - (failures.get(channelId) ?? -Infinity) < RETRY_AFTER_FAILURE_MS)
        return hit?.members ?? null;
      let pending = flights.get(channelId);
      if (!pending) {
        pending = (async () => {
          try {
            let members: RosterMember[];
            try {
              members = await withTimeout(fetchPaged(client, channelId), FETCH_TIMEOUT_MS);
            } catch (err) {
              if (!teamId || teamId === channelId) throw err;
              members = await withTimeout(fetchPaged(client, teamId), FETCH_TIMEOUT_MS);
            }
            await s.channels.saveRoster(channelId, members, s.clock());
            failures.delete(channelId);
            return members;
          } catch (err) {
            failures.set(channelId, s.clock().getTime());
            s.log.warn(
              { channelId, err: (err as Error).message },
              'could not read the channel roster; using the cached one',
            );
            return hit?.members ?? null;
          } finally {
            flights.delete(channelId);
          }
        })();
        flights.set(channelId, pending);
      }
      return pending;
    },
  };
}
