import { TeamsInfo, TurnContext } from 'botbuilder';
import { Prefill } from '../services/applications/start-application';
import { GraphProfileLookup } from '../services/graph/graph-profile';
import type { Logger } from '../services/logging/logger';
import { Services } from '../services/services';
import { Actor } from '../services/shared/actor';
import { isUnknownPersonName, personName } from '../services/users/user-repository';

const LOOKUP_TIMEOUT_MS = 3000;
/** A name lookup delays the turn: kept short. */
const NAME_TIMEOUT_MS = 1500;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | null> {
  return Promise.race([p, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms).unref())]);
}

/**
 * Prefill for the application's first step: what the bot already knows, then Microsoft Graph
 * when configured, else Teams' member info. Failures only mean less prefill, never an error.
 */
export function createProfileLookup(services: Services, graph: GraphProfileLookup | null, log: Logger) {
  return async (context: TurnContext, actor: Actor): Promise<Prefill> => {
    const known = await services.users.get(actor.aadObjectId);
    const prefill: Prefill = {
      organisation: known?.organisation ?? known?.department,
      contactName:
        personName(known?.name, actor.aadObjectId) ??
        (isUnknownPersonName(actor.name) ? undefined : actor.name),
      contactEmail: known?.email,
    };
    if (prefill.organisation && prefill.contactEmail) return prefill;
    try {
      if (graph) {
        const g = await withTimeout(graph(actor.aadObjectId), LOOKUP_TIMEOUT_MS);
        if (g) {
          const organisation = g.department ?? g.companyName;
          await services.users.upsertProfile(
            actor.aadObjectId,
            { organisation, department: g.department, jobTitle: g.jobTitle, email: g.mail ?? undefined },
            services.clock(),
          );
          return {
            organisation: prefill.organisation ?? organisation,
            contactName: personName(g.displayName, actor.aadObjectId) ?? prefill.contactName,
            contactEmail: prefill.contactEmail ?? g.mail,
          };
        }
      } else {
        const member = await withTimeout(TeamsInfo.getMember(context, context.activity.from.id), LOOKUP_TIMEOUT_MS);
        if (member) {
          const email = member.email ?? member.userPrincipalName;
          if (email && !prefill.contactEmail) {
            await services.users.upsertProfile(actor.aadObjectId, { email }, services.clock());
          }
          return { ...prefill, contactEmail: prefill.contactEmail ?? email, contactName: personName(member.name, actor.aadObjectId, member.id) ?? prefill.contactName };
        }
      }
    } catch (err) {
      log.info({ err: (err as Error).message }, 'profile lookup failed; the applicant fills in the fields');
    }
    return prefill;
  };
}


/**
 * The acting person's display name for this turn: the name Teams sent, else the one the bot
 * already knows, else Teams' member info. Some clients (the Agents Playground among them) send
 * the AAD object id or nothing as `from.name`: such a text is never taken for a name. Returns
 * the name and whether it is new knowledge worth storing.
 */
const MISS_TTL_MS = 10 * 60_000;
/** People whose member info Teams could not give recently: not asked again on every turn. */
const missedLookups = new WeakMap<Services, Map<string, number>>();

export async function resolveActorName(
  context: TurnContext,
  services: Services,
  aadObjectId: string,
): Promise<{ name?: string; learned: boolean }> {
  const from = context.activity.from;
  const sent = personName(from?.name, aadObjectId, from?.id);
  if (sent) return { name: sent, learned: true };
  const known = personName((await services.users.get(aadObjectId))?.name, aadObjectId);
  if (known) return { name: known, learned: false };
  if (!from?.id) return { learned: false };
  const misses = missedLookups.get(services) ?? new Map<string, number>();
  missedLookups.set(services, misses);
  const missedAt = misses.get(aadObjectId);
  if (missedAt !== undefined && Date.now() - missedAt < MISS_TTL_MS) return { learned: false };
  if (misses.size > 10_000) misses.clear();
  try {
    const member = await withTimeout(TeamsInfo.getMember(context, from.id), NAME_TIMEOUT_MS);
    const name = personName(member?.name, aadObjectId, from.id);
    if (name) return { name, learned: true };
  } catch {
    // Member info is a courtesy: without it the text says "en användare", never an id.
  }
  misses.set(aadObjectId, Date.now());
  return { learned: false };
}
