import { Collection, isDuplicateKey, Store } from '../store/store';
import { PARTS, Part } from '../applications/wizard-steps';

export interface Frame {
  year: number;
  amount: number;
  /** Percent of the frame per part; sums to 100. */
  shares: Record<Part, number>;
}

/** A part of a portfolio (seed 002 §6.2) as the project office set it up: open or closed, own name. */
export interface PortfolioPart {
  /** Closed: not offered to applicants; what was already applied for stays. */
  closed?: boolean;
  /** The portfolio's own name for the part; the standard name when absent. */
  name?: { sv: string; en: string };
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
  /** Closed: not offered in the wizard; existing applications stay. Absent = open. */
  closed?: boolean;
  description?: string;
  /** The parts the portfolio has; absent = all three, open (portfolios from a seed). */
  parts?: Partial<Record<Part, PortfolioPart>>;
  /** Bumped by every change made on the `hantera portföljer` card (absent before the first). */
  version?: number;
}

/** The parts a portfolio has, in standard order (a seeded portfolio has all three). */
export function partsOf(p: Pick<PortfolioDoc, 'parts'>): Part[] {
  if (!p.parts) return [...PARTS];
  return PARTS.filter((k) => p.parts![k] != null); // null: written by an older MongoDB engine
}

/** The parts of a portfolio an applicant may apply to. */
export function openPartsOf(p: Pick<PortfolioDoc, 'parts'>): Part[] {
  return partsOf(p).filter((k) => !p.parts?.[k]?.closed);
}

/** True when applicants may choose the portfolio: it is open and has at least one open part. */
export function isOffered(p: Pick<PortfolioDoc, 'closed' | 'parts'>): boolean {
  return !p.closed && openPartsOf(p).length > 0;
}

/** The portfolios (one per focus area) with their frames per fiscal year. */
export class PortfolioRepository {
  private readonly col: Collection<PortfolioDoc>;
  private cache: { at: number; docs: PortfolioDoc[] } | null = null;

  constructor(store: Store) {
    this.col = store.collection<PortfolioDoc>('portfolios');
  }

  /**
   * All portfolios by number; cached for a few seconds because every wizard card lists them. A
   * change made on another instance is seen here within those 5 s; this process's own changes at once.
   */
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

  /** The portfolios applicants may choose now (open, with an open part). */
  async offered(): Promise<PortfolioDoc[]> {
    return (await this.all()).filter(isOffered);
  }

  /** Reads past the cache, for a change that must see the latest state. */
  async fresh(id: string): Promise<PortfolioDoc | null> {
    return this.col.findOne({ _id: id });
  }

  /** Adds a new portfolio; false when one with this id exists already. */
  async insert(doc: PortfolioDoc): Promise<boolean> {
    this.cache = null;
    try {
      await this.col.insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /**
   * Changes a portfolio only if nobody changed it since `seenVersion` was read (compare-and-set);
   * null when someone did.
   */
  async updateIfVersion(
    id: string,
    seenVersion: number,
    set: Partial<PortfolioDoc>,
  ): Promise<PortfolioDoc | null> {
    this.cache = null;
    const filter =
      seenVersion === 0 ? { _id: id, version: { $exists: false } } : { _id: id, version: seenVersion };
    const updated = await this.col.findOneAndUpdate(filter, {
      $set: { ...set, version: seenVersion + 1 },
    });
    this.cache = null;
    return updated;
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
