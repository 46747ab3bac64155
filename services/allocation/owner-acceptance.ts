import { Collection, Filter, isDuplicateKey, Store, Update } from '../store/store';

/**
 * unresolved: the named owner is not a person the bot knows (no user with that e-mail), so an
 * admin or the applicant must pick one; requested: the owner was asked in personal chat;
 * accepted / declined: the owner's answer.
 */
export type OwnerAcceptanceStatus = 'unresolved' | 'requested' | 'accepted' | 'declined';

/**
 * Whether the owner named in an application (förvaltningsobjekt / e-tjänstägare) has accepted
 * ownership and the yearly running cost: a gate before money is allocated (seed 000 SID 6).
 */
export interface OwnerAcceptanceDoc {
  /** The application id. */
  _id: string;
  appId: string;
  regNo: string;
  /** As named in the application. */
  ownerName: string;
  ownerEmail: string;
  /** The person (AAD object id) asked; set once resolved by e-mail or picked. */
  ownerUserId?: string;
  ownerUserName?: string;
  resolvedBy?: 'email' | 'picked';
  pickedBy?: { aadObjectId: string; name: string };
  /** Bumped each time someone is (re-)asked; an answer must name the current request. */
  seq: number;
  status: OwnerAcceptanceStatus;
  requestedAt?: string;
  answeredAt?: string;
  comment?: string;
  /** The yearly running cost the owner was asked to accept. */
  yearlyRunningCost: number;
  version: number;
  updatedAt: string;
}

/** Owner acceptances, one per application. */
export class OwnerAcceptanceRepository {
  private readonly col: Collection<OwnerAcceptanceDoc>;

  constructor(store: Store) {
    this.col = store.collection<OwnerAcceptanceDoc>('ownerAcceptances');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['ownerUserId'] });
    // A person's acceptances, for a personal-data request (privacy/personal-data.ts).
    await this.col.ensureIndex({ fields: ['ownerEmail'] });
    await this.col.ensureIndex({ fields: ['pickedBy.aadObjectId'] });
  }

  async get(appId: string): Promise<OwnerAcceptanceDoc | null> {
    return this.col.findOne({ _id: appId });
  }

  async many(appIds: string[]): Promise<Map<string, OwnerAcceptanceDoc>> {
    if (appIds.length === 0) return new Map();
    const docs = await this.col.find({ _id: { $in: appIds } });
    return new Map(docs.map((d) => [d._id, d]));
  }

  /** Inserts unless one exists; false when another writer got there first. */
  async insert(doc: OwnerAcceptanceDoc): Promise<boolean> {
    try {
      await this.col.insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Compare-and-set on the version; null when someone changed it meanwhile. */
  async updateIfVersion(
    appId: string,
    version: number,
    update: Update,
  ): Promise<OwnerAcceptanceDoc | null> {
    return this.col.findOneAndUpdate(
      { _id: appId, version },
      { ...update, $inc: { ...(update.$inc ?? {}), version: 1 } },
    );
  }

  async find(filter: Filter): Promise<OwnerAcceptanceDoc[]> {
    return this.col.find(filter);
  }
}
