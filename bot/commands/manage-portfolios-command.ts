import { portfolioRefusalCard } from '../../cards/portfolio-cards';
import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';
import { adminOverview } from '../verbs/portfolio-verbs';

/**
 * `hantera portföljer` / `manage portfolios` (project office, personal chat or channel): the
 * card that creates, renames, opens and closes portfolios and their parts, and leads to frames.
 */
export const managePortfoliosCommand: CommandHandler = async (context, { deps, actor }) => {
  const s = deps.services;
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin'))) {
    await sendCard(context, portfolioRefusalCard(actor.locale));
    return;
  }
  await sendCard(context, await adminOverview(s, actor));
};
