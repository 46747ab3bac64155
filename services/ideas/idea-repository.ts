import { Collection, Store } from '../store/store';

export interface IdeaDoc {
  _id: string;
  ownerId: string;
  ownerName: string;
  title: string;
  need: string;
  organisation: string;
  portfolioId?: string;
  createdAt: string;
}

/** Idea sketches (idéskisser): early notice of planned projects (seed 004). */
export class IdeaRepository {
  private readonly col: Collection<IdeaDoc>;

  constructor(store: Store) {
    this.col = store.collection<IdeaDoc>('ideas');
  }

  async init(): Promise<void> {
    // byOwner: equality plus sort, one compound index.
    await this.col.ensureIndex({ fields: ['ownerId', 'createdAt'] });
  }

  async insert(doc: IdeaDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  async byOwner(ownerId: string): Promise<IdeaDoc[]> {
    return this.col.find({ ownerId }, { sort: { createdAt: -1 } });
  }
}
