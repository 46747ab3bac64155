import { helpCard } from '../../cards/common-cards';
import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';

/** `hjälp` / `help`: what this user can do here. */
export const helpCommand: CommandHandler = async (context, { deps, actor, scope }) => {
  const isAdmin = await deps.services.users.hasRole(actor.aadObjectId, 'admin');
  await sendCard(
    context,
    helpCard(actor.locale, {
      scope: scope === 'personal' ? 'personal' : 'channel',
      isAdmin,
      localMode: deps.config.localMode,
    }),
  );
};
