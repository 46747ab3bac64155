import { Collection, Store } from '../store/store';

/** Who is in a coach channel, as Teams listed it (AAD object ids), and when that was read. */
export interface CoachRosterDoc {
  _id: string; // channel id
  memberIds: string[];
  fetchedAt: string;
}

/** Coach channel rosters: members may claim, resolve and save FAQ entries without the coach role. */
export class CoachRosterRepository {
  private readonly col: Collection<CoachRosterDoc>;

  constructor(store: Store) {
    this.col = store.collection<CoachRosterDoc>('coachRosters');
  }

  async get(channelId: string): Promise<CoachRosterDoc | null> {
    return this.col.findOne({ _id: channelId });
  }

  async save(channelId: string, memberIds: string[], now: Date): Promise<void> {
    const ids = [...new Set(memberIds.map((m) => m.toLowerCase()))];
    await this.col.findOneAndUpdate(
      { _id: channelId },
      { $set: { memberIds: ids, fetchedAt: now.toISOString() } },
      { upsert: true },
    );
  }
}
