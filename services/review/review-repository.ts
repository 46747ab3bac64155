import { Collection, Filter, isDuplicateKey, Store, Update } from '../store/store';
import {
  CommentDoc,
  CompletenessCheckDoc,
  ObjectionDoc,
  ReviewItemDoc,
  VoteDoc,
} from './review-types';

/** The key (`_id`, hence unique) of a member's vote document on an item: a member has exactly one. */
export const voteKey = (itemId: string, memberId: string): string => `${itemId}|${memberId}`;

/** Review items, votes (one document per member and item), objections, discussion and completeness checks. */
export class ReviewRepository {
  readonly items: Collection<ReviewItemDoc>;
  readonly votes: Collection<VoteDoc>;
  readonly objections: Collection<ObjectionDoc>;
  readonly comments: Collection<CommentDoc>;
  readonly checks: Collection<CompletenessCheckDoc>;

  constructor(store: Store) {
    this.items = store.collection<ReviewItemDoc>('reviewItems');
    this.votes = store.collection<VoteDoc>('reviewVotes');
    this.objections = store.collection<ObjectionDoc>('reviewObjections');
    this.comments = store.collection<CommentDoc>('reviewComments');
    this.checks = store.collection<CompletenessCheckDoc>('completenessChecks');
  }

  async init(): Promise<void> {
    await this.items.ensureIndex({ fields: ['cardActivityId'] });
    // Every query of a turn is one index look-up: a reply's card by channel and activity id, the
    // open items of a portfolio waiting for a channel, one item's votes, objections, comments
    // and completeness rounds (in the order they are shown).
    await this.items.ensureIndex({ fields: ['channelId', 'cardActivityId'] });
    await this.items.ensureIndex({ fields: ['status', 'portfolioId'] });
    await this.votes.ensureIndex({ fields: ['itemId'] });
    await this.objections.ensureIndex({ fields: ['itemId', 'at'] });
    await this.comments.ensureIndex({ fields: ['itemId', 'at'] });
    await this.checks.ensureIndex({ fields: ['appId', 'submittedAt'] });
  }

  async item(id: string): Promise<ReviewItemDoc | null> {
    return this.items.findOne({ _id: id });
  }

  /** Inserts a new item; false when it already exists (a retried turn). */
  async insertItem(doc: ReviewItemDoc): Promise<boolean> {
    try {
      await this.items.insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async updateItem(filter: Filter, update: Update): Promise<ReviewItemDoc | null> {
    return this.items.findOneAndUpdate(filter, update);
  }

  async findItems(filter: Filter): Promise<ReviewItemDoc[]> {
    return this.items.find(filter, { sort: { openedAt: 1 } });
  }

  async vote(itemId: string, memberId: string): Promise<VoteDoc | null> {
    return this.votes.findOne({ _id: voteKey(itemId, memberId) });
  }

  /** Every vote document of an item, to read only (a tally reads them on every vote). */
  async votesFor(itemId: string): Promise<readonly Readonly<VoteDoc>[]> {
    return this.votes.findReadonly({ itemId });
  }

  /**
   * Atomically creates or changes a member's vote document. A race between two first writes of
   * the same member (MongoDB upsert on a unique key) is retried once as an update.
   */
  async upsertVote(itemId: string, memberId: string, update: Update): Promise<VoteDoc> {
    const _id = voteKey(itemId, memberId);
    const full: Update = {
      ...update,
      $set: { ...(update.$set ?? {}), itemId, memberId },
      $inc: { ...(update.$inc ?? {}), rev: 1 },
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const doc = await this.votes.findOneAndUpdate({ _id }, full, { upsert: true });
        if (doc) return doc;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error(`vote ${_id} could not be written`);
  }

  /** Writes a vote document only while it still has revision `rev` (undoing a refused write). */
  async restoreVote(
    itemId: string,
    memberId: string,
    rev: number,
    previous: VoteDoc | null,
  ): Promise<void> {
    const _id = voteKey(itemId, memberId);
    if (!previous) {
      await this.votes.deleteMany({ _id, rev });
      return;
    }
    const { _id: _ignored, rev: _r, ...fields } = previous;
    const unset: Record<string, true> = {};
    for (const k of [
      'conflict',
      'conflictReason',
      'noConflictMotivation',
      'flags',
      'declaredAt',
      'vote',
      'scores',
      'comment',
      'votedAt',
    ] as const) {
      if (previous[k] === undefined) unset[k] = true;
    }
    await this.votes.findOneAndUpdate(
      { _id, rev },
      { $set: fields, $unset: unset, $inc: { rev: 1 } },
    );
  }

  async objectionsFor(itemId: string): Promise<ObjectionDoc[]> {
    return this.objections.find({ itemId }, { sort: { at: 1 } });
  }

  async commentsFor(itemId: string): Promise<CommentDoc[]> {
    return this.comments.find({ itemId }, { sort: { at: 1 } });
  }

  async checksFor(appId: string): Promise<CompletenessCheckDoc[]> {
    return this.checks.find({ appId }, { sort: { submittedAt: 1 } });
  }
}
