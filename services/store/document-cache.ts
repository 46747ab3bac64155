type Json = Record<string, unknown>;

/** The parsed-document cache of a collection holds at most this much JSON text (UTF-16 units). */
const CACHE_MAX_CHARS = 8 * 1024 * 1024;
/** Larger documents are not kept (they would push out many small hot ones). */
const CACHE_MAX_DOC_CHARS = 256 * 1024;

interface Entry {
  /** The document's JSON text as the table holds it. */
  text: string;
  /** The text parsed and frozen, once somebody read it that way. */
  doc: Json | null;
}

/** Freezes a document and everything in it (readers of frozen documents must not change them). */
export function deepFreeze(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return v;
  Object.freeze(v);
  if (Array.isArray(v)) for (const x of v) deepFreeze(x);
  else for (const k of Object.keys(v)) deepFreeze((v as Json)[k]);
  return v;
}

/**
 * The embedded store's documents of one collection by `_id`, as the table holds them: written
 * through by the collection's one write path, so a lookup by `_id` that finds its entry needs no
 * SQL at all (a vote reads the member, the channel, the item and the vote itself by `_id`).
 *
 * Only one process writes a DATA_DIR (its lock), and every write of a document's text goes
 * through the collection, which remembers the text it wrote. What a failed operation or a failed
 * COMMIT wrote is forgotten again by the store (EmbeddedStore.atomically), so the cache never
 * holds a text the table does not. Bounded by its text; the oldest entries go first.
 */
export class DocumentCache {
  private readonly entries = new Map<string, Entry>();
  private chars = 0;

  /** The text of the document with this `_id`, when it is known. */
  text(id: string): string | undefined {
    return this.entries.get(id)?.text;
  }

  /** The frozen parsed document of this `_id`, when it is here (parsed once while unchanged). */
  cachedFrozen(id: string): Json | undefined {
    const hit = this.entries.get(id);
    if (!hit) return undefined;
    hit.doc ??= deepFreeze(JSON.parse(hit.text)) as Json;
    return hit.doc;
  }

  /** The frozen document of this `_id` and text as the table has just returned it (remembered). */
  frozenOf(id: string, text: string): Json {
    const hit = this.entries.get(id);
    if (hit?.text === text) return this.cachedFrozen(id)!;
    const doc = deepFreeze(JSON.parse(text)) as Json;
    this.remember(id, text, doc);
    return doc;
  }

  /** Remembers a document's text as the table now holds it (parsed lazily, on a frozen read). */
  remember(id: string, text: string, doc: Json | null = null): void {
    const old = this.entries.get(id);
    if (old) {
      this.chars -= old.text.length;
      this.entries.delete(id);
    }
    if (text.length > CACHE_MAX_DOC_CHARS) return;
    this.entries.set(id, { text, doc });
    this.chars += text.length;
    for (const [oldest, v] of this.entries) {
      if (this.chars <= CACHE_MAX_CHARS) break;
      this.entries.delete(oldest);
      this.chars -= v.text.length;
    }
  }

  /**
   * A document's new text, kept only when the document is already here (read before, so likely
   * to be read again): what is only written, such as audit entries, is not held in memory.
   */
  update(id: string, text: string): void {
    if (this.entries.has(id)) this.remember(id, text);
  }

  /** Forgets a document (deleted, or its write was undone). */
  forget(id: string): void {
    const old = this.entries.get(id);
    if (!old) return;
    this.chars -= old.text.length;
    this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
    this.chars = 0;
  }
}
