import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';
import { outboxCardFor } from '../verbs/outbox-admin-verbs';

/** `utkorg` / `outbox`: the project office's view of undelivered, dead and uncertain messages. */
export const outboxCommand: CommandHandler = async (context, { deps, actor }) => {
  await sendCard(context, await outboxCardFor(deps.services, actor));
};
