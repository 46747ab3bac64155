import { conversationKeyOf } from '../outbox/outbox-repository';
import { Services } from '../services';
import { cachedDirectory } from './eligibility';
import { buildSnapshot, ReviewSnapshot } from './review-view';
import { ReviewItemDoc } from './review-types';

/** The outbox id of an item's card in its review channel (one post per application). */
export const reviewCardOutboxId = (appId: string): string => `review-card:${appId}`;

/** Outbox template name of the shared review card. */
export const REVIEW_CARD_TEMPLATE = 'review-card';

/**
 * The outbox's live-model source for the shared card: an update message stores only the item id,
 * and its model is built from the store when the message is sent (see {@link reviewCardModel}).
 */
export const REVIEW_CARD_SOURCE = 'review-item';

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
 * Queues an in-place update of the shared card. The message holds no snapshot: its model is built
 * from the store when it is sent, so it always shows the newest tally. Updates are coalesced: while
 * an update is still waiting in the outbox nothing more is queued (it will read this change when it
 * is sent: the sender marks a message 'sending' before it builds the model), so 50 simultaneous
 * votes cost one or two updates. Update messages are numbered per item; a number is taken by
 * inserting its message (a unique id), so two writers never both create one.
 */
export async function queueCardUpdate(
  s: Pick<Services, 'outbox' | 'review' | 'clock'>,
  itemIn: ReviewItemDoc,
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
    // An update still waiting (any number: the item read at the start of this turn may not know
    // the newest) will show this change too. Replies in the card's thread share its conversation
    // key, so only updates of this card count.
    const waiting = await s.outbox.col.count({
      conversationKey: conversationKeyOf(target, { update }),
      status: 'pending',
      'payload.update.activityId': item.cardActivityId,
    });
    if (waiting > 0) return;
    const next = seq + 1;
    const now = s.clock();
    const created = await s.outbox.enqueue(
      messageId(next),
      target,
      {
        card: {
          template: REVIEW_CARD_TEMPLATE,
          model: { itemId: item._id },
          live: REVIEW_CARD_SOURCE,
        },
        update,
      },
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

/**
 * The shared card's model as it is now, for an outbox message sent with
 * {@link REVIEW_CARD_SOURCE}: the members come from the cached roster (a turn refreshed it when
 * the change was made). Null when the item no longer exists.
 */
export async function reviewCardModel(
  s: Services,
  model: Record<string, unknown>,
): Promise<ReviewSnapshot | null> {
  const itemId = model.itemId;
  if (typeof itemId !== 'string') return null;
  const item = await s.review.item(itemId);
  if (!item) return null;
  return (await buildSnapshot(s, cachedDirectory(s), item)).snapshot;
}
