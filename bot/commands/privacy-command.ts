import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';
import { privacyCardFor } from '../verbs/privacy-verbs';

/** `personuppgifter <AAD-id|e-post>` / `personal data …`: a person's data for an access or erasure request (admins, personal chat). */
export const privacyCommand: CommandHandler = async (context, { deps, actor, args }) => {
  await sendCard(context, await privacyCardFor(deps, actor, args.replace(/<[^>]*>/g, ' ').trim()));
};
