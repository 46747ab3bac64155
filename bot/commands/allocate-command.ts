import {
  allocateUsageCard,
  allocationCard,
  allocationRefusalCard,
} from '../../cards/allocation-cards';
import {
  delegationDefault,
  openRound,
  parseAllocateArgs,
} from '../../services/allocation/allocate';
import { DomainError } from '../../services/shared/domain-error';
import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';

/**
 * `fördela <portfölj> [år]` / `allocate <portfolio> [year]` (chair or decision maker, in a channel
 * or personal chat): the exact allocation proposal within the portfolio's frame, beside
 * "highest score first", with what-ifs and the confirm form.
 */
export const allocateCommand: CommandHandler = async (
  context,
  { deps, actor, args, activityId },
) => {
  const s = deps.services;
  const portfolios = await s.portfolios.all();
  const parsed = parseAllocateArgs(args, portfolios);
  if (parsed.kind !== 'ok') {
    await sendCard(
      context,
      allocateUsageCard(
        actor.locale,
        portfolios,
        parsed.kind === 'unknown' ? parsed.words : undefined,
      ),
    );
    return;
  }
  try {
    const outcome = await openRound(s, actor, parsed.portfolioId, parsed.year, activityId);
    await sendCard(
      context,
      allocationCard(outcome, actor.locale, { delegationDefault: await delegationDefault(s) }),
    );
  } catch (err) {
    if (err instanceof DomainError && typeof err.params.reason === 'string') {
      await sendCard(context, allocationRefusalCard(actor.locale, err.params.reason, err.params));
      return;
    }
    throw err;
  }
};
