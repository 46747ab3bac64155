import { Services } from '../services';
import { Actor } from '../shared/actor';
import { queueCardUpdate, withCardActivity } from './card-updates';
import { CommentDoc, ReviewItemDoc } from './review-types';

/** Thread replies are kept up to this length (Teams messages can be longer). */
export const MAX_DISCUSSION_CHARS = 4000;

/** Teams sends channel messages as light HTML: keep the words. */
export function plainText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The review item whose card is the root of this channel thread, if any. */
export async function itemForThread(
  s: Pick<Services, 'review' | 'outbox'>,
  channelId: string,
  rootId: string,
): Promise<ReviewItemDoc | null> {
  const [known] = await s.review.findItems({ channelId, cardActivityId: rootId });
  if (known) return known;
  // Cards whose activity id has not been learned from the outbox yet.
  for (const item of await s.review.findItems({
    channelId,
    cardActivityId: { $exists: false },
    postedAt: { $exists: true },
  })) {
    const resolved = await withCardActivity(s, item);
    if (resolved.cardActivityId === rootId) return resolved;
  }
  return null;
}

/**
 * Keeps a reply in an item's review thread with the application as discussion (idempotent per
 * Teams activity). Returns false when the thread is not a review thread.
 */
export async function addThreadReply(
  s: Services,
  actor: Actor,
  channelId: string,
  rootId: string,
  rawText: string,
  activityId: string | undefined,
): Promise<boolean> {
  const item = await itemForThread(s, channelId, rootId);
  if (!item) return false;
  const text = plainText(rawText).slice(0, MAX_DISCUSSION_CHARS);
  if (!text) return true;
  const now = s.clock().toISOString();
  const doc: CommentDoc = {
    _id: `${item._id}|${activityId ?? `${actor.aadObjectId}|${now}`}`,
    itemId: item._id,
    authorId: actor.aadObjectId,
    authorName: actor.name,
    text,
    at: now,
  };
  try {
    await s.review.comments.insertOne(doc);
  } catch {
    return true; // the same Teams message again
  }
  const updated = await s.review.updateItem(
    { _id: item._id },
    { $inc: { discussionCount: 1, rev: 1 } },
  );
  await s.audit.append({
    at: now,
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'review.comment_added',
    entityType: 'application',
    entityId: item.appId,
    after: { text },
    activityId,
  });
  if (updated) await queueCardUpdate(s, updated);
  return true;
}
