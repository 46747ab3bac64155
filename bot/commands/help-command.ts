import { CommandHandler } from '../handler-types';
import { helpFor } from '../help';
import { sendCard } from '../send';
import { faqHelpCard } from './ask-command';

/** `hjälp` / `help`: what this user can do here; `hjälp <sökord>` searches the coaches' FAQ. */
export const helpCommand: CommandHandler = async (context, { deps, actor, scope, args }) => {
  if (args.trim()) {
    await sendCard(context, await faqHelpCard(deps, actor, args, scope === 'personal'));
    return;
  }
  await sendCard(context, await helpFor(deps, actor, scope));
};
