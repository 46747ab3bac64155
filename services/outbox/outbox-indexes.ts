import type { IndexSpec } from '../store/store';

/**
 * The outbox's indexes, each for the hot queries it serves (test/unit/store/hot-path-indexes.test.ts
 * checks the plans on the embedded store):
 * - status, priority, notBefore, createdAt: the sender's due candidates (pending, in send order),
 *   its pending count and next back-off, and the recovery of expired sends (status 'sending');
 * - status, createdAt: the admin view's latest dead, failed and uncertain messages, byStatus,
 *   and the counts of the queue's statuses for metrics ('sent' is a counter: sent-count.ts);
 * - conversationKey, status: a review card's waiting update (one conversation's pending ones).
 * Earlier versions made single-field indexes on status, notBefore and conversationKey; they are
 * covered by these and may be dropped on MongoDB (nothing needs them).
 */
export const OUTBOX_INDEXES: readonly IndexSpec[] = [
  { fields: ['status', 'priority', 'notBefore', 'createdAt'] },
  { fields: ['status', 'createdAt'] },
  { fields: ['conversationKey', 'status'] },
];
