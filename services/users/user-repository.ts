import { Collection, Doc, Store } from '../store/store';

export type Role = 'admin' | 'coach' | 'reviewer' | 'chair' | 'it' | 'decisionMaker';

export interface UserDoc {
  _id: string; // AAD object id, lower case
  name?: string;
  email?: string;
  organisation?: string;
  department?: string;
  jobTitle?: string;
  tenantId?: string;
  locale?: string;
  /** `email` trimmed and in lower case: the indexed key a lookup by e-mail address uses. */
  emailKey?: string;
  roles: Role[];
  /**
   * True while `roles` is not empty: the indexed field `withRole` reads. `roles` is an array,
   * which the SQLite engine cannot index; the people with a role are few, the users many.
   */
  roleHolder?: boolean;
  /** Roles scoped to portfolios (e.g. chair of p2). */
  portfolioRoles?: { role: Role; portfolioId: string }[];
  /** The language the person chose with `språk`/`language` (wins over the client's locale). */
  localePreference?: 'sv' | 'en';
  /** When the bot last welcomed the person in personal chat (welcome once, not on every reload). */
  welcomedAt?: string;
  updatedAt: string;
}

const ID_LIKE =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{1,3}:\S+|[0-9a-f-]{24,})$/i;

/**
 * A person's display name, or undefined when the text is no name: empty, or an id (an AAD object
 * id or a Teams `29:` id — some clients send one where the name belongs). Names never become ids.
 */
export function personName(raw: unknown, ...ids: (string | undefined)[]): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const name = raw.trim().slice(0, 200);
  if (!name || ID_LIKE.test(name)) return undefined;
  if (ids.some((id) => !!id && id.trim().toLowerCase() === name.toLowerCase())) return undefined;
  return name;
}

/** What a text shows where a person's name is unknown: never their id. */
export function unknownPersonName(locale: 'sv' | 'en' = 'sv'): string {
  return locale === 'en' ? 'a user' : 'en användare';
}

/** True for the stand-in of an unknown name (not to be prefilled or stored as a name). */
export function isUnknownPersonName(name: string | undefined): boolean {
  return name === unknownPersonName('sv') || name === unknownPersonName('en');
}

/** The key an e-mail address is looked up by (UserDoc.emailKey), or '' when it is none. */
export function emailKeyOf(email: unknown): string {
  if (typeof email !== 'string') return '';
  const key = email.trim().toLowerCase();
  return key.length > 0 && key.length <= 200 && key.includes('@') ? key : '';
}

/** Marks (in `settings`) that every user document has its emailKey and roleHolder. */
const KEYS_MIGRATED = 'migration:users-keys-v1';

/** People the bot knows and the roles granted to them (by configuration, seed, or an admin). */
export class UserRepository {
  private readonly col: Collection<UserDoc>;

  constructor(
    store: Store,
    private readonly configAdmins: string[] = [],
  ) {
    this.col = store.collection<UserDoc>('users');
    this.settings = store.collection<Doc & { value: unknown; updatedAt: string }>('settings');
  }

  private readonly settings: Collection<Doc & { value: unknown; updatedAt: string }>;

  /**
   * Ensures the indexes, and once per database gives documents written before emailKey and
   * roleHolder existed those fields (the only whole-collection read, at start-up, once).
   */
  async init(now: Date = new Date()): Promise<void> {
    await this.col.ensureIndex({ fields: ['emailKey'] });
    await this.col.ensureIndex({ fields: ['roleHolder'] });
    if (await this.settings.findOne({ _id: KEYS_MIGRATED })) return;
    for (const doc of await this.col.find({})) {
      const $set: Record<string, unknown> = {};
      const key = emailKeyOf(doc.email);
      if (key && doc.emailKey !== key) $set.emailKey = key;
      const holder = Array.isArray(doc.roles) && doc.roles.length > 0;
      if (doc.roleHolder !== holder) $set.roleHolder = holder;
      if (Object.keys($set).length > 0) await this.col.findOneAndUpdate({ _id: doc._id }, { $set });
    }
    await this.settings.findOneAndUpdate(
      { _id: KEYS_MIGRATED },
      { $set: { value: true, updatedAt: now.toISOString() } },
      { upsert: true },
    );
  }

  async get(aadObjectId: string): Promise<UserDoc | null> {
    return this.col.findOne({ _id: aadObjectId.toLowerCase() });
  }

  /** Records profile facts seen on an activity or from Graph; never touches roles. */
  async upsertProfile(
    aadObjectId: string,
    profile: Partial<
      Pick<
        UserDoc,
        'name' | 'email' | 'organisation' | 'department' | 'jobTitle' | 'tenantId' | 'locale'
      >
    >,
    now: Date,
  ): Promise<UserDoc> {
    const $set: Record<string, unknown> = { updatedAt: now.toISOString() };
    for (const [k, v] of Object.entries(profile)) if (v !== undefined && v !== '') $set[k] = v;
    // An address that is none (no @) keeps no key ($set of undefined unsets it).
    if ('email' in $set) $set.emailKey = emailKeyOf($set.email) || undefined;
    // A known name is never replaced by an id or an empty name.
    if (
      'name' in $set &&
      (!personName($set.name, aadObjectId) || isUnknownPersonName($set.name as string))
    )
      delete $set.name;
    const doc = await this.col.findOneAndUpdate(
      { _id: aadObjectId.toLowerCase() },
      { $set },
      { upsert: true },
    );
    if (doc && !Array.isArray(doc.roles)) {
      return (
        (await this.col.findOneAndUpdate(
          { _id: doc._id, roles: { $exists: false } },
          { $set: { roles: [], roleHolder: false } },
        )) ?? doc
      );
    }
    return doc as UserDoc;
  }

  async setRoles(aadObjectId: string, roles: Role[], now: Date): Promise<UserDoc | null> {
    return this.col.findOneAndUpdate(
      { _id: aadObjectId.toLowerCase() },
      {
        $set: {
          roles: [...new Set(roles)],
          roleHolder: roles.length > 0,
          updatedAt: now.toISOString(),
        },
      },
      { upsert: true },
    );
  }

  async setLocalePreference(aadObjectId: string, locale: 'sv' | 'en', now: Date): Promise<void> {
    await this.col.findOneAndUpdate(
      { _id: aadObjectId.toLowerCase() },
      { $set: { localePreference: locale, updatedAt: now.toISOString() } },
      { upsert: true },
    );
  }

  /** Marks the person welcomed; true only for the first caller, so the welcome goes out once. */
  async markWelcomed(aadObjectId: string, now: Date): Promise<boolean> {
    const id = aadObjectId.toLowerCase();
    await this.col.findOneAndUpdate(
      { _id: id },
      { $set: { updatedAt: now.toISOString() } },
      { upsert: true },
    );
    const doc = await this.col.findOneAndUpdate(
      { _id: id, welcomedAt: { $exists: false } },
      { $set: { welcomedAt: now.toISOString() } },
    );
    return doc !== null;
  }

  async hasRole(aadObjectId: string, role: Role): Promise<boolean> {
    const id = aadObjectId.toLowerCase();
    if (role === 'admin' && this.configAdmins.includes(id)) return true;
    const doc = await this.get(id);
    return !!doc?.roles?.includes(role);
  }

  /** The known person with this e-mail address (case-insensitive), by the emailKey index; or null. */
  async byEmail(email: unknown): Promise<UserDoc | null> {
    const key = emailKeyOf(email);
    if (!key) return null;
    const docs = await this.col.find({ emailKey: key }, { sort: { _id: 1 }, limit: 1 });
    return docs[0] ?? null;
  }

  async withRole(role: Role): Promise<UserDoc[]> {
    const docs = (await this.col.find({ roleHolder: true })).filter((d) => d.roles?.includes(role));
    if (role !== 'admin') return docs;
    const known = new Set(docs.map((d) => d._id));
    for (const id of this.configAdmins) {
      if (!known.has(id))
        docs.push((await this.get(id)) ?? { _id: id, roles: ['admin'], updatedAt: '' });
    }
    return docs;
  }
}
