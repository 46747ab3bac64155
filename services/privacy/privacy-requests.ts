import { Collection, Store } from '../store/store';
import { ensurePrivacyIndexes } from './privacy-indexes';

/** Counts per collection of what an erasure did (never the erased values themselves). */
export type ErasureCounts = Record<string, number>;

/**
 * One data-subject request handled by an admin: an export (GDPR art. 15) whose download link
 * names this document, or an erasure (art. 17). It records that the request was handled, by
 * whom and when; it holds ids and counts only.
 */
export interface PrivacyRequestDoc {
  _id: string;
  kind: 'export' | 'erase';
  /** The person's AAD object id, when known. */
  subjectId: string | null;
  /** For an export by e-mail of a person the bot has no id for: the address to look for. */
  subjectEmails: string[];
  requestedBy: string;
  requestedByName: string;
  requestedAt: string;
  /** Export: when the file was fetched (last time). */
  downloadedAt?: string;
  downloads?: number;
  /** Erase: what was erased, anonymised, redacted and kept, by rule. */
  counts?: ErasureCounts;
}

/** The record of personal-data requests. */
export class PrivacyRequestRepository {
  readonly col: Collection<PrivacyRequestDoc>;

  constructor(private readonly store: Store) {
    this.col = store.collection<PrivacyRequestDoc>('privacy_requests');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['subjectId'] });
    await ensurePrivacyIndexes(this.store);
  }

  async insert(doc: PrivacyRequestDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  async get(id: string): Promise<PrivacyRequestDoc | null> {
    return this.col.findOne({ _id: id });
  }

  async markDownloaded(id: string, now: Date): Promise<PrivacyRequestDoc | null> {
    return this.col.findOneAndUpdate(
      { _id: id },
      { $set: { downloadedAt: now.toISOString() }, $inc: { downloads: 1 } },
    );
  }

  async forSubject(subjectId: string): Promise<PrivacyRequestDoc[]> {
    return this.col.find({ subjectId }, { sort: { requestedAt: 1 } });
  }
}
