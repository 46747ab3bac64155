import { TeamsInfo, TurnContext } from 'botbuilder';
import { Prefill } from '../services/applications/start-application';
import { GraphProfileLookup } from '../services/graph/graph-profile';
import type { Logger } from '../services/logging/logger';
import { Services } from '../services/services';
import { Actor } from '../services/shared/actor';

const LOOKUP_TIMEOUT_MS = 3000;

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
      contactName: known?.name ?? actor.name,
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
            contactName: g.displayName ?? prefill.contactName,
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
          return { ...prefill, contactEmail: prefill.contactEmail ?? email, contactName: member.name ?? prefill.contactName };
        }
      }
    } catch (err) {
      log.info({ err: (err as Error).message }, 'profile lookup failed; the applicant fills in the fields');
    }
    return prefill;
  };
}
