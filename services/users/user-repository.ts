import { Collection, Store } from '../store/store';

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
  roles: Role[];
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

/** People the bot knows and the roles granted to them (by configuration, seed, or an admin). */
export class UserRepository {
  private readonly col: Collection<UserDoc>;

  constructor(
    store: Store,
    private readonly configAdmins: string[] = [],
  ) {
    this.col = store.collection<UserDoc>('users');
  }

  async get(aadObjectId: string): Promise<UserDoc | null> {
    return this.col.findOne({ _id: aadObjectId.toLowerCase() });
  }

  /** Records profile facts seen on an activity or from Graph; never touches roles. */
  async upsertProfile(
    aadObjectId: string,
    profile: Partial<Pick<UserDoc, 'name' | 'email' | 'organisation' | 'department' | 'jobTitle' | 'tenantId' | 'locale'>>,
    now: Date,
  ): Promise<UserDoc> {
    const $set: Record<string, unknown> = { updatedAt: now.toISOString() };
    for (const [k, v] of Object.entries(profile)) if (v !== undefined && v !== '') $set[k] = v;
    // A known name is never replaced by an id or an empty name.
    if ('name' in $set && (!personName($set.name, aadObjectId) || isUnknownPersonName($set.name as string)))
      delete $set.name;
    const doc = await this.col.findOneAndUpdate({ _id: aadObjectId.toLowerCase() }, { $set }, { upsert: true });
    if (doc && !Array.isArray(doc.roles)) {
      return (await this.col.findOneAndUpdate({ _id: doc._id, roles: { $exists: false } }, { $set: { roles: [] } })) ?? doc;
    }
    return doc as UserDoc;
  }

  async setRoles(aadObjectId: string, roles: Role[], now: Date): Promise<UserDoc | null> {
    return this.col.findOneAndUpdate(
      { _id: aadObjectId.toLowerCase() },
      { $set: { roles: [...new Set(roles)], updatedAt: now.toISOString() } },
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
    await this.col.findOneAndUpdate({ _id: id }, { $set: { updatedAt: now.toISOString() } }, { upsert: true });
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

  async withRole(role: Role): Promise<UserDoc[]> {
    const docs = await this.col.find({ roles: role });
    if (role !== 'admin') return docs;
    const known = new Set(docs.map((d) => d._id));
    for (const id of this.configAdmins) {
      if (!known.has(id)) docs.push((await this.get(id)) ?? { _id: id, roles: ['admin'], updatedAt: '' });
    }
    return docs;
  }
}
