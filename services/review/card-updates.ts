import { Services } from '../services';
import { ReviewSnapshot } from './review-view';
import { ReviewItemDoc } from './review-types';

/** The outbox id of an item's card in its review channel (one post per application). */
export const reviewCardOutboxId = (appId: string): string => `review-card:${appId}`;

/** Outbox template name of the shared review card. */
export const REVIEW_CARD_TEMPLATE = 'review-card';

/** Card updates wait this long so that a burst of votes becomes one update of the message (Teams also limits a conversation to a few messages a second). */
const UPDATE_DEBOUNCE_MS = 1000;

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
  const updated = await s.review.updateItem(
    { _id: item._id },
    { $set: { cardActivityId: sent.sentActivityId } },
  );
  return updated ?? { ...item, cardActivityId: sent.sentActivityId };
}

/**
 * Queues an in-place update of the shared card with the newest snapshot. Updates are coalesced:
 * while an update is still waiting in the outbox its model is replaced by a newer one (never by
 * an older: the snapshot's `rev` orders them), so 50 simultaneous votes cost one or two updates,
 * and the last one always carries the exact tally. Update messages are numbered per item; a
 * number is taken by inserting its message (a unique id), so two writers never both create one.
 */
export async function queueCardUpdate(
  s: Pick<Services, 'outbox' | 'review' | 'clock'>,
  itemIn: ReviewItemDoc,
  snapshot: ReviewSnapshot,
): Promise<void> {
  const item = await withCardActivity(s, itemIn);
  if (!item.channelId || !item.cardActivityId) return;
  const target = { kind: 'channel' as const, channelId: item.channelId, teamId: item.teamId };
  const update = {
    activityId: item.cardActivityId,
    conversationId: `${item.channelId};messageid=${item.cardActivityId}`,
  };
  const messageId = (n: number): string => `review-update:${item._id}:${n}`;
  let seq = item.updateSeq ?? 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (seq > 0) {
      const id = messageId(seq);
      // A count of replaced documents: the payload is not copied back.
      const replaced = await s.outbox.col.updateMany(
        { _id: id, status: 'pending', 'payload.card.model.rev': { $lt: snapshot.rev } },
        { $set: { 'payload.card.model': snapshot } },
      );
      if (replaced > 0) return;
      // Still waiting with a model at least as new as ours: nothing to do.
      if ((await s.outbox.col.count({ _id: id, status: 'pending' })) > 0) return;
    }
    const next = seq + 1;
    const now = s.clock();
    const created = await s.outbox.enqueue(
      messageId(next),
      target,
      { card: { template: REVIEW_CARD_TEMPLATE, model: snapshot }, update },
      now,
      new Date(now.getTime() + UPDATE_DEBOUNCE_MS),
    );
    if (created) {
      await s.review.updateItem(
        { _id: item._id, updateSeq: { $lt: next } },
        { $set: { updateSeq: next } },
      );
      return;
    }
    // Someone else took that number just now: look at their message next.
    seq = next;
  }
}
