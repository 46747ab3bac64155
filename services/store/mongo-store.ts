import { Collection as MongoCollection, MongoClient, MongoServerError } from 'mongodb';
import {
  Collection,
  Doc,
  DuplicateKeyError,
  Filter,
  FindOptions,
  IndexSpec,
  Store,
  Update,
} from './store';

function wrap(name: string, err: unknown): never {
  if (err instanceof MongoServerError && err.code === 11000) {
    throw new DuplicateKeyError(name, err.message);
  }
  throw err;
}

class MongoBackedCollection<T extends Doc> implements Collection<T> {
  constructor(
    public readonly name: string,
    private readonly col: MongoCollection<Doc>,
  ) {}

  async insertOne(doc: T): Promise<void> {
    try {
      await this.col.insertOne(doc as Doc);
    } catch (err) {
      wrap(this.name, err);
    }
  }

  async findOne(filter: Filter): Promise<T | null> {
    return (await this.col.findOne(filter as never)) as T | null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    let cursor = this.col.find(filter as never);
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await cursor.toArray()) as T[];
  }

  /** MongoDB's documents are the caller's own already. */
  findReadonly(filter: Filter, options: FindOptions = {}): Promise<readonly Readonly<T>[]> {
    return this.find(filter, options);
  }

  async count(filter: Filter): Promise<number> {
    return this.col.countDocuments(filter as never);
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: { upsert?: boolean; sort?: Record<string, 1 | -1> } = {},
  ): Promise<T | null> {
    try {
      const res = await this.col.findOneAndUpdate(filter as never, update as never, {
        upsert: options.upsert ?? false,
        sort: options.sort,
        returnDocument: 'after',
      });
      return res as T | null;
    } catch (err) {
      return wrap(this.name, err);
    }
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    try {
      return (await this.col.updateMany(filter as never, update as never)).modifiedCount;
    } catch (err) {
      return wrap(this.name, err);
    }
  }

  async deleteMany(filter: Filter): Promise<number> {
    return (await this.col.deleteMany(filter as never)).deletedCount;
  }

  async ensureIndex(spec: IndexSpec): Promise<void> {
    const keys: Record<string, 1> = {};
    for (const f of spec.fields) keys[f] = 1;
    await this.col.createIndex(keys, { unique: spec.unique ?? false, sparse: spec.sparse ?? false });
  }
}

/** The production store: MongoDB (replica set, Atlas or Cosmos DB vCore) with majority writes. */
export class MongoStore implements Store {
  readonly kind = 'mongodb' as const;

  private constructor(
    private readonly client: MongoClient,
    private readonly dbName: string,
  ) {}

  static async connect(uri: string, dbName: string): Promise<MongoStore> {
    const client = new MongoClient(uri, {
      writeConcern: { w: 'majority' },
      readConcern: { level: 'majority' },
      retryWrites: true,
      serverSelectionTimeoutMS: 10000,
      appName: 'projektkontoret',
    });
    await client.connect();
    return new MongoStore(client, dbName);
  }

  collection<T extends Doc>(name: string): Collection<T> {
    return new MongoBackedCollection<T>(name, this.client.db(this.dbName).collection<Doc>(name));
  }

  async ping(): Promise<boolean> {
    try {
      await this.client.db(this.dbName).command({ ping: 1 });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
