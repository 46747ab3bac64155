import type { Services } from '../services';
import { AllocationReminderItem, AllocationReminderSource } from './reminder-sources';

/**
 * Allocation rounds waiting for a decision maker, read through the allocation area's own
 * repository (issue 4): an open round is a pending allocation; a round stuck in 'confirming'
 * was confirmed but its decisions are not all written and posted yet. The decision makers are
 * the users with the decisionMaker role, globally or for the round's portfolio.
 */
export function allocationReminderSource(
  s: Pick<Services, 'allocation' | 'store' | 'users'>,
): AllocationReminderSource {
  return {
    async pendingAllocations(): Promise<AllocationReminderItem[]> {
      const rounds = await s.allocation.rounds.find({ status: { $in: ['open', 'confirming'] } });
      if (rounds.length === 0) return [];
      const users = await s.store
        .collection<{
          _id: string;
          roles?: string[];
          portfolioRoles?: { role: string; portfolioId: string }[];
        }>('users')
        .find({ $or: [{ roles: 'decisionMaker' }, { portfolioRoles: { $exists: true } }] });
      return rounds.map((round) => ({
        key: round._id,
        state: round.status === 'open' ? 'pending' : 'confirmed_unposted',
        portfolioId: round.portfolioId,
        since: new Date(
          round.status === 'open' ? round.updatedAt : (round.confirmation?.at ?? round.updatedAt),
        ),
        decisionMakerIds: users
          .filter(
            (u) =>
              u.roles?.includes('decisionMaker') ||
              !!u.portfolioRoles?.some(
                (r) => r.role === 'decisionMaker' && r.portfolioId === round.portfolioId,
              ),
          )
          .map((u) => u._id),
      }));
    },
  };
}
