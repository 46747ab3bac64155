/**
 * What other areas tell the reminder scheduler. Each area implements its interface against its
 * own collections and registers it on `services.reminders.sources`; the scheduler never reads
 * another area's collections directly. (Coaching's SLA reminders come from its own
 * `dueCoachReminders`/`runCoachSla`, which the scheduler calls.)
 */

/** An application under review whose deadline is near: who has not voted, who chairs. */
export interface ReviewReminderItem {
  appId: string;
  /** When voting closes. */
  deadline: Date;
  memberIdsNotVoted: string[];
  chairIds: string[];
  channelId: string;
  threadId?: string;
  regNo?: string;
  title?: string;
}

/** The review area's open items (default: reminders/review-source.ts reads them). */
export interface ReviewReminderSource {
  openItems(now: Date): Promise<ReviewReminderItem[]>;
}

/** An allocation waiting for a decision maker: pending, or confirmed but not yet posted. */
export interface AllocationReminderItem {
  /** Stable id of the allocation (e.g. `p2:2027`). */
  key: string;
  state: 'pending' | 'confirmed_unposted';
  portfolioId: string;
  /** Since when it has been waiting. */
  since: Date;
  decisionMakerIds: string[];
}

/** The allocation area's rounds (default: reminders/allocation-source.ts reads them). */
export interface AllocationReminderSource {
  pendingAllocations(now: Date): Promise<AllocationReminderItem[]>;
}

/** The sources registered so far (each optional until its area exists). */
export interface ReminderSources {
  review?: ReviewReminderSource;
  allocation?: AllocationReminderSource;
}
