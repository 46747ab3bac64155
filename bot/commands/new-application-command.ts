import { wizardStepCard } from '../../cards/application-cards';
import { startApplication } from '../../services/applications/start-application';
import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';

/** `ny ansökan` / `new application`: opens a draft and shows step 1 of the wizard. */
export const newApplicationCommand: CommandHandler = async (context, { deps, actor, activityId }) => {
  const s = deps.services;
  const prefill = await deps.lookupProfile(context, actor);
  const app = await startApplication(s, actor, prefill, activityId);
  const portfolios = await s.portfolios.all();
  await sendCard(context, wizardStepCard({ app, stepIndex: 0, portfolios, locale: actor.locale }));
};
