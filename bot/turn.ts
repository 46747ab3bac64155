import { Activity, TurnContext } from 'botbuilder';
import { Actor, localeOf } from '../services/shared/actor';
import { personName, unknownPersonName } from '../services/users/user-repository';

/** Where a turn keeps the acting person's resolved display name (set once per turn by the bot). */
export const ACTOR_NAME_KEY = 'projektkontoret.actorName';

export type Scope = 'personal' | 'channel' | 'groupChat';

/** Where the activity happened, as Teams names it. */
export function scopeOf(activity: Partial<Activity>): Scope {
  const type = activity.conversation?.conversationType;
  if (type === 'channel') return 'channel';
  if (type === 'groupChat') return 'groupChat';
  return 'personal';
}

/** The tenant of an activity (Teams puts it in channelData and on the conversation). */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const cd = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannelData = typeof cd?.tenant?.id === 'string' ? cd.tenant.id : undefined;
  return fromChannelData ?? activity.conversation?.tenantId ?? undefined;
}

/** The acting user, identified only by their AAD object id; null when Teams did not give one. */
export function actorOf(context: TurnContext): Actor | null {
  const from = context.activity.from;
  const aad = typeof from?.aadObjectId === 'string' ? from.aadObjectId.trim().toLowerCase() : '';
  if (!/^[0-9a-z-]{8,64}$/.test(aad)) return null;
  const locale = localeOf(context.activity.locale);
  const resolved = context.turnState.get<string | undefined>(ACTOR_NAME_KEY);
  return {
    aadObjectId: aad,
    // Never the id where a name belongs (some clients send it as the name).
    name: resolved ?? personName(from.name, aad, from.id) ?? unknownPersonName(locale),
    tenantId: tenantOf(context.activity),
    locale,
  };
}

/** Teams channel id of a channel activity, without the thread suffix. */
export function channelIdOf(activity: Partial<Activity>): string | undefined {
  const cd = activity.channelData as { channel?: { id?: unknown } } | undefined;
  if (typeof cd?.channel?.id === 'string') return cd.channel.id;
  const conv = activity.conversation?.id;
  return conv ? conv.split(';')[0] : undefined;
}

export function teamIdOf(activity: Partial<Activity>): string | undefined {
  const cd = activity.channelData as { team?: { id?: unknown } } | undefined;
  return typeof cd?.team?.id === 'string' ? cd.team.id : undefined;
}
