import { Collection, Store } from '../store/store';
import { Part } from '../applications/wizard-steps';

export interface Frame {
  year: number;
  amount: number;
  /** Percent of the frame per part; sums to 100. */
  shares: Record<Part, number>;
}

export interface PortfolioDoc {
  _id: string;
  number: number;
  /** Short command key, e.g. "innovation" for `koppla innovation`. */
  key: string;
  name: { sv: string; en: string };
  /** Benefit requirements relaxed (seed 000 SID 5). */
  relaxedBenefit: boolean;
  frames: Frame[];
  quorum: number;
  reviewDays: number;
  reviewChannelId?: string;
  coachChannelId?: string;
}

/** The portfolios (one per focus area) with their frames per fiscal year. */
export class PortfolioRepository {
  private readonly col: Collection<PortfolioDoc>;
  private cache: { at: number; docs: PortfolioDoc[] } | null = null;

  constructor(store: Store) {
    this.col = store.collection<PortfolioDoc>('portfolios');
  }

  /** All portfolios by number; cached for a few seconds because every wizard card lists them. */
  async all(): Promise<PortfolioDoc[]> {
    const now = Date.now();
    if (this.cache && now - this.cache.at < 5000) return this.cache.docs;
    const docs = await this.col.find({}, { sort: { number: 1 } });
    this.cache = { at: now, docs };
    return docs;
  }

  async get(id: string): Promise<PortfolioDoc | null> {
    return (await this.all()).find((p) => p._id === id) ?? null;
  }

  async upsert(doc: PortfolioDoc): Promise<void> {
    const { _id, ...rest } = doc;
    await this.col.findOneAndUpdate({ _id }, { $set: rest }, { upsert: true });
    this.cache = null;
  }

  async update(id: string, set: Partial<PortfolioDoc>): Promise<PortfolioDoc | null> {
    this.cache = null;
    return this.col.findOneAndUpdate({ _id: id }, { $set: set });
  }
}
