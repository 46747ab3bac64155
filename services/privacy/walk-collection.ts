import type { Collection, Doc, Filter } from '../store/store';

/** Documents read per page by walkMatching: about 12 ms of parsing each on the embedded store. */
export const WALK_PAGE = 200;

/**
 * The documents of a collection that pass a test no index can answer (a case-insensitive
 * e-mail address as someone typed it, a text inside a message), read in pages by `_id` (the
 * primary key), so memory holds one page and other turns run between pages. Only for rare
 * requests (a person's data export or erasure); never on a turn's hot path.
 */
export async function walkMatching<T extends Doc>(
  col: Collection<T>,
  test: (doc: Readonly<T>) => boolean,
  page: number = WALK_PAGE,
): Promise<T[]> {
  const out: T[] = [];
  let after: string | null = null;
  for (;;) {
    const filter: Filter = after === null ? {} : { _id: { $gt: after } };
    const docs = await col.findReadonly(filter, { sort: { _id: 1 }, limit: page });
    for (const doc of docs) if (test(doc)) out.push(structuredClone(doc) as T);
    if (docs.length < page) return out;
    after = docs[docs.length - 1]._id;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
