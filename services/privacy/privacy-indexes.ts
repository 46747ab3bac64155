import type { IndexSpec, Store } from '../store/store';

/**
 * The indexes a personal-data request (export, erasure) reads other areas' collections by: the
 * fields that hold a person's AAD object id. Without them one request would read each of these
 * collections whole. The owning repositories keep their own indexes; these are the privacy
 * area's additions (plain, non-unique: they never refuse a write).
 */
export const PRIVACY_INDEXES: Readonly<Record<string, readonly IndexSpec[]>> = {
  reviewItems: [
    { fields: ['appId'] },
    { fields: ['openedBy'] },
    { fields: ['closedBy'] },
    { fields: ['statement.byId'] },
  ],
  reviewVotes: [{ fields: ['memberId'] }],
  reviewObjections: [{ fields: ['memberId'] }, { fields: ['raisedBy'] }, { fields: ['ruledBy'] }],
  reviewComments: [{ fields: ['authorId'] }],
  completenessChecks: [{ fields: ['decidedBy'] }],
  outbox: [{ fields: ['target.aadObjectId'] }],
  audit: [{ fields: ['actorId'] }],
};

/** Ensures PRIVACY_INDEXES (idempotent; called from the privacy repository's init). */
export async function ensurePrivacyIndexes(store: Store): Promise<void> {
  for (const [name, specs] of Object.entries(PRIVACY_INDEXES)) {
    const col = store.collection(name);
    for (const spec of specs) await col.ensureIndex({ ...spec, fields: [...spec.fields] });
  }
}
