import { Collection, Filter, Store, Update } from '../store/store';
import { CoachQuestionDoc } from './coach-question';

/** Coaching questions, one document each, changed with optimistic versions. */
export class CoachQuestionRepository {
  private readonly col: Collection<CoachQuestionDoc>;

  constructor(store: Store) {
    this.col = store.collection<CoachQuestionDoc>('coachQuestions');
  }

  async init(): Promise<void> {
    // byAsker: the asker's questions newest first (equality plus sort: one compound index).
    await this.col.ensureIndex({ fields: ['askerId', 'createdAt'] });
    await this.col.ensureIndex({ fields: ['threadConversationId'], unique: true, sparse: true });
    await this.col.ensureIndex({ fields: ['status'] });
    await this.col.ensureIndex({ fields: ['relayCheck'] });
    // Questions whose thread is not yet known (`rootActivityId` missing: few, and recent).
    await this.col.ensureIndex({ fields: ['rootActivityId'] });
    // Coaching figures for a period (coach-stats).
    await this.col.ensureIndex({ fields: ['createdAt'] });
    // A coach's questions, for a personal-data request (privacy/personal-data.ts).
    await this.col.ensureIndex({ fields: ['assigneeId'] });
    await this.col.ensureIndex({ fields: ['firstAnswerById'] });
    await this.col.ensureIndex({ fields: ['resolvedById'] });
  }

  async insert(doc: CoachQuestionDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  async get(id: string): Promise<CoachQuestionDoc | null> {
    return this.col.findOne({ _id: id });
  }

  /** The question whose thread is this Teams conversation (`channel;messageid=root`). */
  async byThread(conversationId: string): Promise<CoachQuestionDoc | null> {
    return this.col.findOne({ threadConversationId: conversationId });
  }

  async byAsker(askerId: string): Promise<CoachQuestionDoc[]> {
    return this.col.find({ askerId: askerId.toLowerCase() }, { sort: { createdAt: -1 } });
  }

  async find(filter: Filter): Promise<CoachQuestionDoc[]> {
    return this.col.find(filter, { sort: { createdAt: 1 } });
  }

  /** Applies an update only if nobody changed the question since it was read; null on conflict. */
  async updateIfVersion(
    id: string,
    version: number,
    update: Update,
  ): Promise<CoachQuestionDoc | null> {
    return this.col.findOneAndUpdate(
      { _id: id, version },
      { ...update, $inc: { ...(update.$inc ?? {}), version: 1 } },
    );
  }
}
