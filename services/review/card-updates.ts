import { Services } from '../services';
import { ReviewSnapshot } from './review-view';
import { ReviewItemDoc } from './review-types';

/** The outbox id of an item's card in its review channel (one post per application). */
export const reviewCardOutboxId = (appId: string): string => `review-card:${appId}`;

/** Outbox template name of the shared review card. */
export const REVIEW_CARD_TEMPLATE = 'review-card';

/** Card updates wait this long so that a burst of votes becomes one update of the message. */
const UPDATE_DEBOUNCE_MS = 250;

/**
 * The card's activity id in the channel (the thread root) once the outbox has posted it; stored
 * on the item the first time it is known.
 */
export async function withCardActivity(
  s: Pick<Services, 'outbox' | 'review'>,
  item: ReviewItemDoc,
): Promise<ReviewItemDoc> {
  if (item.cardActivityId || !item.postedAt) return item;
  const sent = await s.outbox.get(reviewCardOutboxId(item.appId));
  if (!sent?.sentActivityId) return item;
  const updated = await s.review.updateItem({ _id: item._id }, { $set: { cardActivityId: sent.sentActivityId } });
  return updated ?? { ...item, cardActivityId: sent.sentActivityId };
}

/**
 * Queues an in-place update of the shared card with the newest snapshot. Updates are coalesced:
 * while an update is still waiting in the outbox its model is replaced by a newer one (never by
 * an older: the snapshot's `rev` orders them), so 50 simultaneous votes cost a few updates, and
 * the last one always carries the exact tally.
 */
export async function queueCardUpdate(
  s: Pick<Services, 'outbox' | 'review' | 'clock'>,
  itemIn: ReviewItemDoc,
  snapshot: ReviewSnapshot,
): Promise<void> {
  let item = await withCardActivity(s, itemIn);
  if (!item.channelId || !item.cardActivityId) return;
  const target = { kind: 'channel' as const, channelId: item.channelId, teamId: item.teamId };
  const update = { activityId: item.cardActivityId, conversationId: `${item.channelId};messageid=${item.cardActivityId}` };
  for (let attempt = 0; attempt < 8; attempt++) {
    const seq = item.updateSeq ?? 0;
    if (seq > 0) {
      const id = `review-update:${item._id}:${seq}`;
      const replaced = await s.outbox.col.findOneAndUpdate(
        { _id: id, status: 'pending', 'payload.card.model.rev': { $lt: snapshot.rev } },
        { $set: { 'payload.card.model': snapshot } },
      );
      if (replaced) return;
      // Still waiting with a model at least as new as ours: nothing to do.
      if ((await s.outbox.col.count({ _id: id, status: 'pending' })) > 0) return;
    }
    const bumped = await s.review.updateItem({ _id: item._id, updateSeq: seq }, { $inc: { updateSeq: 1 } });
    if (bumped) {
      const now = s.clock();
      await s.outbox.enqueue(
        `review-update:${item._id}:${seq + 1}`,
        target,
        { card: { template: REVIEW_CARD_TEMPLATE, model: snapshot }, update },
        now,
        new Date(now.getTime() + UPDATE_DEBOUNCE_MS),
      );
      return;
    }
    const again = await s.review.item(item._id);
    if (!again) return;
    item = { ...again, cardActivityId: again.cardActivityId ?? item.cardActivityId };
  }
}
