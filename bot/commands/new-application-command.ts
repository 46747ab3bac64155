import { wizardStepCard } from '../../cards/application-cards';
import { noOpenPortfolioCard } from '../../cards/portfolio-cards';
import { startApplicationIfOpen } from '../../services/applications/start-application';
import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';

/**
 * `ny ansökan` / `new application`: opens a draft and shows step 1 of the wizard; with no open
 * portfolio it says so instead (the project office is told) rather than show an empty list.
 */
export const newApplicationCommand: CommandHandler = async (context, { deps, actor, activityId }) => {
  const s = deps.services;
  const prefill = await deps.lookupProfile(context, actor);
  const started = await startApplicationIfOpen(s, actor, prefill, activityId);
  if (!started.ok) {
    await sendCard(context, noOpenPortfolioCard(actor.locale));
    return;
  }
  const portfolios = await s.portfolios.all();
  await sendCard(context, wizardStepCard({ app: started.app, stepIndex: 0, portfolios, locale: actor.locale }));
};
