import { cachedDirectory, eligibleMembers } from '../review/eligibility';
import type { Services } from '../services';
import { DEFAULT_OFFICE_HOURS, OfficeHours } from '../shared/working-days';
import { stockholmAt } from '../followup/report-schedule';
import { ReviewReminderItem, ReviewReminderSource } from './reminder-sources';

/**
 * The review group's open items as the reminder scheduler needs them, read through the review
 * area's own repository and eligibility rules (issue 3): who may still vote (eligible, not
 * conflicted, not voted), who chairs, and when voting closes (the end of the item's last day).
 */
export function reviewReminderSource(
  s: Pick<Services, 'review' | 'channels' | 'store' | 'users'>,
  hours: OfficeHours = DEFAULT_OFFICE_HOURS,
): ReviewReminderSource {
  return {
    async openItems(): Promise<ReviewReminderItem[]> {
      const items = await s.review.findItems({ status: 'open' });
      const out: ReviewReminderItem[] = [];
      const dir = cachedDirectory(s);
      for (const item of items) {
        if (!item.deadline) continue;
        const [eligible, votes] = await Promise.all([
          eligibleMembers(s, dir, item),
          s.review.votesFor(item._id),
        ]);
        const done = new Set(
          votes
            .filter(
              (v) => v.vote != null || v.conflict === 'declared' || v.conflict === 'ruled',
            )
            .map((v) => v.memberId.toLowerCase()),
        );
        const chairIds: string[] = [];
        const notVoted: string[] = [];
        for (const m of eligible.values()) {
          const user = await s.users.get(m.aadObjectId);
          const chair =
            !!user &&
            (user.roles?.includes('chair') ||
              !!user.portfolioRoles?.some(
                (r) => r.role === 'chair' && r.portfolioId === item.portfolioId,
              ));
          if (chair) chairIds.push(m.aadObjectId);
          if (!done.has(m.aadObjectId)) notVoted.push(m.aadObjectId);
        }
        out.push({
          appId: item.appId,
          deadline: stockholmAt(item.deadline, hours.end),
          memberIdsNotVoted: notVoted,
          chairIds,
          channelId: item.channelId ?? '',
          threadId: item.cardActivityId,
          regNo: item.regNo,
          title: item.facts?.title,
        });
      }
      return out;
    },
  };
}
