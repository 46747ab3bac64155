import { applicationsListCard } from '../../cards/application-cards';
import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';

/** `mina ansökningar` / `my applications`: drafts and submitted applications with actions. */
export const myApplicationsCommand: CommandHandler = async (context, { deps, actor }) => {
  const apps = await deps.services.applications.byOwner(actor.aadObjectId);
  await sendCard(context, applicationsListCard(apps, actor.locale));
};
