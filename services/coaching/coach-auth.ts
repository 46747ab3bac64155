import { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';

/**
 * True when someone may act as a coach on a question in this channel: the 'coach' role, or
 * membership of the coach channel's roster as Teams listed it. Decided on the AAD object id only.
 */
export async function isCoach(
  s: Pick<Services, 'users' | 'coaching'>,
  aadObjectId: string,
  channelId?: string,
): Promise<boolean> {
  const id = aadObjectId.toLowerCase();
  if (await s.users.hasRole(id, 'coach')) return true;
  if (!channelId) return false;
  const roster = await s.coaching.rosters.get(channelId);
  return !!roster?.memberIds.includes(id);
}

/** Refuses anyone who is not a coach (reason 'not_coach', rendered as a polite notice). */
export async function requireCoach(
  s: Pick<Services, 'users' | 'coaching'>,
  actor: Actor,
  channelId?: string,
): Promise<void> {
  if (!(await isCoach(s, actor.aadObjectId, channelId))) {
    throw new DomainError('forbidden', 'not a coach', { reason: 'not_coach' });
  }
}
