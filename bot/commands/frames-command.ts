import { allocationRefusalCard } from '../../cards/allocation-cards';
import { frameFormCard, framesOverviewCard } from '../../cards/frame-cards';
import { parseAllocateArgs } from '../../services/allocation/allocate';
import { frameOf, framesOverview, validFrameYear } from '../../services/allocation/frames';
import { fiscalYearOf } from '../../services/shared/dates';
import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';

/**
 * `ramar [portfölj] [år]` / `frames [portfolio] [year]` (project office): every portfolio's
 * frames, or the form for one portfolio and year (a new year too).
 */
export const framesCommand: CommandHandler = async (context, { deps, actor, args }) => {
  const s = deps.services;
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin'))) {
    await sendCard(context, allocationRefusalCard(actor.locale, 'admin_only'));
    return;
  }
  const portfolios = await s.portfolios.all();
  const parsed = parseAllocateArgs(args, portfolios);
  if (parsed.kind === 'ok') {
    const portfolio = portfolios.find((p) => p._id === parsed.portfolioId)!;
    const year = parsed.year ?? fiscalYearOf(s.clock());
    if (!validFrameYear(year, s.clock())) {
      await sendCard(context, allocationRefusalCard(actor.locale, 'bad_year'));
      return;
    }
    await sendCard(
      context,
      frameFormCard(portfolio, year, await frameOf(s, portfolio, year), actor.locale),
    );
    return;
  }
  await sendCard(context, framesOverviewCard(await framesOverview(s), actor.locale));
};
