import { helpCard, HelpContext } from '../cards/common-cards';
import { AdaptiveCard } from '../cards/render';
import { Actor } from '../services/shared/actor';
import { VOCABULARY } from './commands/vocabulary';
import { BotDeps } from './handler-types';
import { Scope } from './turn';

/** The help card for this person here: only commands usable in this scope and by their roles. */
export async function helpFor(
  deps: BotDeps,
  actor: Actor,
  scope: Scope,
  extra: Pick<HelpContext, 'unknownText' | 'welcome' | 'name'> = {},
): Promise<AdaptiveCard> {
  const where = scope === 'personal' ? 'personal' : 'channel';
  const commandKeys = VOCABULARY.filter((c) => c.scope === 'anywhere' || c.scope === where).map(
    (c) => c.names[0],
  );
  const user = await deps.services.users.get(actor.aadObjectId);
  const isAdmin = await deps.services.users.hasRole(actor.aadObjectId, 'admin');
  return helpCard(actor.locale, {
    scope: where,
    isAdmin,
    roles: user?.roles ?? [],
    commandKeys,
    localMode: deps.config.localMode,
    ...extra,
  });
}
