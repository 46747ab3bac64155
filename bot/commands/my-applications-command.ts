import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';
import { ownApplicationsCard } from '../verbs/applications-page-verb';

/** `mina ansökningar` / `my applications`: the first page of drafts and submitted applications. */
export const myApplicationsCommand: CommandHandler = async (context, { deps, actor }) => {
  await sendCard(context, await ownApplicationsCard(deps.services, actor, 1));
};
