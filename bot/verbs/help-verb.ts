import { helpCard } from '../../cards/common-cards';
import { VerbHandler } from '../handler-types';

/** `help.show`: the help card in place. */
export const helpShow: VerbHandler = async (_context, { deps, actor, scope }) =>
  helpCard(actor.locale, {
    scope: scope === 'personal' ? 'personal' : 'channel',
    isAdmin: await deps.services.users.hasRole(actor.aadObjectId, 'admin'),
    localMode: deps.config.localMode,
  });
