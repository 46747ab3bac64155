import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';
import { dashboardCardFor } from '../verbs/dashboard-verbs';

/** `portföljer [år]` / `portfolios [year]`: the portfolio dashboard of a fiscal year (default the current one). */
export const portfoliosCommand: CommandHandler = async (context, { deps, actor, args }) => {
  await sendCard(
    context,
    await dashboardCardFor(deps, actor, args.replace(/<[^>]*>/g, ' ').trim()),
  );
};
