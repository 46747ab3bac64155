import { Collection, Store } from '../store/store';

/** A channel bound as a review channel: where it is, for posting cards and building deep links. */
export interface ReviewChannelDoc {
  _id: string; // channel id
  teamId?: string;
  tenantId?: string;
  aadGroupId?: string;
  portfolioIds: string[];
  boundBy: string;
  boundAt: string;
}

/** One member of a channel as Teams' roster reports them. */
export interface RosterMember {
  /** Bot Framework user id (29:…), used for card refresh userIds. */
  id: string;
  aadObjectId: string;
  name: string;
  email?: string;
}

interface RosterDoc {
  _id: string; // channel id
  members: RosterMember[];
  fetchedAt: string;
}

/** How long a fetched roster is trusted before Teams is asked again. */
export const ROSTER_TTL_MS = 5 * 60 * 1000;

/** Review-channel bindings and the cached member lists of channels. */
export class ChannelRepository {
  private readonly channels: Collection<ReviewChannelDoc>;
  private readonly rosters: Collection<RosterDoc>;
  private readonly memory = new Map<string, { members: RosterMember[]; fetchedAt: number }>();

  constructor(store: Store) {
    this.channels = store.collection<ReviewChannelDoc>('reviewChannels');
    this.rosters = store.collection<RosterDoc>('channelRosters');
  }

  async get(channelId: string): Promise<ReviewChannelDoc | null> {
    return this.channels.findOne({ _id: channelId });
  }

  /** Every bound review channel (a few per portfolio: read whole). */
  async all(): Promise<ReviewChannelDoc[]> {
    return this.channels.find({}, { sort: { boundAt: 1 } });
  }

  async save(doc: ReviewChannelDoc): Promise<ReviewChannelDoc | null> {
    const { _id, ...rest } = doc;
    return this.channels.findOneAndUpdate({ _id }, { $set: rest }, { upsert: true });
  }

  /**
   * Removes portfolios from every other channel's binding (a portfolio has one review channel).
   * `portfolioIds` is an array (no SQLite index): fine, the collection holds one document per
   * bound review channel, at most a few per portfolio.
   */
  async detach(portfolioIds: string[], exceptChannelId: string): Promise<void> {
    const others = await this.channels.find({ portfolioIds: { $in: portfolioIds } });
    for (const other of others) {
      if (other._id === exceptChannelId) continue;
      const left = other.portfolioIds.filter((p) => !portfolioIds.includes(p));
      await this.channels.findOneAndUpdate({ _id: other._id }, { $set: { portfolioIds: left } });
    }
  }

  /** The cached roster and when it was fetched (memory first, then the store), or null. */
  async roster(channelId: string): Promise<{ members: RosterMember[]; fetchedAt: number } | null> {
    const hit = this.memory.get(channelId);
    if (hit) return hit;
    const doc = await this.rosters.findOne({ _id: channelId });
    if (!doc) return null;
    const entry = { members: doc.members, fetchedAt: Date.parse(doc.fetchedAt) || 0 };
    this.memory.set(channelId, entry);
    return entry;
  }

  async saveRoster(channelId: string, members: RosterMember[], now: Date): Promise<void> {
    this.memory.set(channelId, { members, fetchedAt: now.getTime() });
    await this.rosters.findOneAndUpdate(
      { _id: channelId },
      { $set: { members, fetchedAt: now.toISOString() } },
      { upsert: true },
    );
  }
}
