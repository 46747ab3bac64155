import { helpCard } from '../../cards/common-cards';
import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';
import { faqHelpCard } from './ask-command';

/** `hjälp` / `help`: what this user can do here; `hjälp <sökord>` searches the coaches' FAQ. */
export const helpCommand: CommandHandler = async (context, { deps, actor, scope, args }) => {
  if (args.trim()) {
    await sendCard(context, await faqHelpCard(deps, actor, args, scope === 'personal'));
    return;
  }
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
