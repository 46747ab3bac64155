import { Collection, Store } from '../store/store';

interface SettingDoc {
  _id: string;
  value: unknown;
  updatedAt: string;
  updatedBy?: string;
}

/** Small named settings (the project office's channel, …) that admins change in the bot. */
export class SettingsRepository {
  private readonly col: Collection<SettingDoc>;

  constructor(store: Store) {
    this.col = store.collection<SettingDoc>('settings');
  }

  async get<T>(key: string): Promise<T | undefined> {
    return (await this.col.findOne({ _id: key }))?.value as T | undefined;
  }

  async set(key: string, value: unknown, now: Date, by?: string): Promise<void> {
    await this.col.findOneAndUpdate(
      { _id: key },
      { $set: { value, updatedAt: now.toISOString(), updatedBy: by } },
      { upsert: true },
    );
  }
}

/** Where the project office hears about new ideas and applications. */
export interface OfficeChannelSetting {
  teamId?: string;
  channelId: string;
}

export const OFFICE_CHANNEL = 'officeChannel';
