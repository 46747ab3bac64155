import { Collection, Store } from '../store/store';

/** A reusable answer the coaches saved from a resolved question. */
export interface FaqEntryDoc {
  _id: string;
  question: string;
  answer: string;
  /** Portfolio tag; unset means it applies to every portfolio. */
  portfolioId?: string;
  sourceQuestionId?: string;
  createdBy: string;
  createdByName: string;
  createdAt: string;
  updatedAt: string;
}

/** The coaches' FAQ. Small (hundreds of entries), so search reads it whole and ranks in memory. */
export class FaqRepository {
  private readonly col: Collection<FaqEntryDoc>;
  private cache: { at: number; docs: FaqEntryDoc[] } | null = null;

  constructor(store: Store) {
    this.col = store.collection<FaqEntryDoc>('coachFaq');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['sourceQuestionId'], unique: true, sparse: true });
    await this.col.ensureIndex({ fields: ['createdBy'] });
  }

  /**
   * Every entry; cached briefly because each `fråga` searches them all. Read whole: the FAQ is the
   * coaches' curated answers (tens to hundreds), and a search ranks all of them.
   */
  async all(): Promise<FaqEntryDoc[]> {
    const now = Date.now();
    if (this.cache && now - this.cache.at < 5000) return this.cache.docs;
    const docs = await this.col.find({}, { sort: { createdAt: 1 } });
    this.cache = { at: now, docs };
    return docs;
  }

  async get(id: string): Promise<FaqEntryDoc | null> {
    return this.col.findOne({ _id: id });
  }

  async insert(doc: FaqEntryDoc): Promise<void> {
    this.cache = null;
    await this.col.insertOne(doc);
  }

  async update(id: string, set: Partial<FaqEntryDoc>): Promise<FaqEntryDoc | null> {
    this.cache = null;
    return this.col.findOneAndUpdate({ _id: id }, { $set: set });
  }
}
