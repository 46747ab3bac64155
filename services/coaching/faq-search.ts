import { stemSwedish } from './swedish-stemmer';

/**
 * Searching the coaches' FAQ without any external service: Swedish-aware normalisation (case,
 * accents, stop words, Snowball stems), then an idf-weighted token overlap in both directions,
 * with partial credit for Swedish compounds ("kalkyl" inside "nyttokalkyl").
 */

// Swedish (Snowball list plus chat filler) and English stop words, written with accents.
// prettier-ignore
const STOP_WORDS = new Set([
  'och', 'det', 'att', 'i', 'en', 'jag', 'hon', 'som', 'han', 'på', 'den', 'med', 'var', 'sig', 'för', 'så',
  'till', 'är', 'men', 'ett', 'om', 'hade', 'de', 'av', 'icke', 'mig', 'du', 'henne', 'då', 'sin', 'nu', 'har',
  'inte', 'hans', 'honom', 'skulle', 'hennes', 'där', 'min', 'man', 'ej', 'vid', 'kunde', 'något', 'från', 'ut',
  'när', 'efter', 'upp', 'vi', 'dem', 'vara', 'vad', 'över', 'än', 'dig', 'kan', 'sina', 'här', 'ha', 'mot',
  'alla', 'under', 'någon', 'eller', 'allt', 'mycket', 'sedan', 'ju', 'denna', 'själv', 'detta', 'åt', 'utan',
  'varit', 'hur', 'ingen', 'mitt', 'ni', 'bli', 'blev', 'oss', 'din', 'dessa', 'några', 'deras', 'blir', 'mina',
  'samma', 'vilken', 'er', 'sådan', 'vår', 'blivit', 'dess', 'inom', 'mellan', 'sådant', 'varför', 'varje',
  'vilka', 'ditt', 'vem', 'vilket', 'sitta', 'sådana', 'vart', 'dina', 'vars', 'vårt', 'våra', 'ert', 'era',
  'vilkas', 'ska', 'måste', 'får', 'få', 'gör', 'göra', 'finns', 'vill', 'hej', 'tack', 'undrar', 'mvh', 'också',
  'bara', 'även', 'nog', 'väl', 'dom', 'sen', 'fråga', 'frågan', 'frågor', 'vet',
  'the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'is', 'are', 'was', 'be', 'been', 'do', 'does',
  'did', 'how', 'what', 'when', 'where', 'who', 'why', 'which', 'i', 'we', 'you', 'it', 'this', 'that', 'with',
  'my', 'our', 'your', 'can', 'could', 'should', 'would', 'will', 'shall', 'must', 'have', 'has', 'at', 'by',
  'as', 'from', 'if', 'not', 'no', 'so', 'there', 'about', 'me', 'us', 'they', 'their', 'any', 'some', 'hi',
  'hello', 'thanks', 'question', 'please',
]);

const EXTRA_FOLDS: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', ł: 'l', đ: 'd' };

/** Drops accents (å ä → a, ö → o, é → e) so "forvaltning" finds "förvaltning". */
export function foldAccents(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[øæœßłđ]/g, (c) => EXTRA_FOLDS[c] ?? c);
}

/** Search terms of a text: lower case, no stop words, Swedish stems, accents folded. */
export function searchTerms(text: string): string[] {
  if (typeof text !== 'string') return [];
  const words =
    text
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms: string[] = [];
  for (const word of words) {
    if (STOP_WORDS.has(word) || STOP_WORDS.has(foldAccents(word))) continue;
    if (word.length < 2 && !/\d/.test(word)) continue;
    const stem = foldAccents(stemSwedish(word));
    if (stem.length > 0) terms.push(stem);
  }
  return terms;
}

/** A document to search: what was asked and what was answered. */
export interface SearchDoc {
  id: string;
  question: string;
  answer: string;
}

/** One hit with its score in (0, 1]. */
export interface SearchHit {
  id: string;
  score: number;
}

const COMPOUND_CREDIT = 0.6;
const ANSWER_CREDIT = 0.7;
const MIN_COMPOUND_PART = 4;

/** How well two terms match: 1 when equal, partial when one is a compound part of the other. */
export function termSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= MIN_COMPOUND_PART && (long.startsWith(short) || long.endsWith(short)))
    return COMPOUND_CREDIT;
  return 0;
}

function bestMatch(term: string, among: ReadonlySet<string>): number {
  if (among.has(term)) return 1;
  let best = 0;
  for (const other of among) best = Math.max(best, termSimilarity(term, other));
  return best;
}

/**
 * Ranks documents against a query. Score = 0.65 × how much of the query the entry covers
 * (question terms fully, answer terms at 70 %) + 0.35 × how much of the entry's question the
 * query covers, each weighted by inverse document frequency so rare words count most.
 * Returns hits with score ≥ minScore, best first.
 */
export function rankDocuments(
  query: string,
  docs: SearchDoc[],
  opts: { minScore?: number; limit?: number } = {},
): SearchHit[] {
  const minScore = opts.minScore ?? 0.3;
  const limit = opts.limit ?? 3;
  const queryTerms = [...new Set(searchTerms(query))];
  if (queryTerms.length === 0 || docs.length === 0) return [];
  const prepared = docs.map((d) => {
    const q = new Set(searchTerms(d.question));
    const a = new Set(searchTerms(d.answer));
    return { id: d.id, q, a, all: new Set([...q, ...a]) };
  });
  const n = prepared.length;
  const dfCache = new Map<string, number>();
  const idf = (term: string): number => {
    let df = dfCache.get(term);
    if (df === undefined) {
      df = prepared.filter((p) => p.all.has(term)).length;
      dfCache.set(term, df);
    }
    return Math.log(1 + (n + 1) / (df + 0.5));
  };
  const hits: SearchHit[] = [];
  for (const p of prepared) {
    let covered = 0;
    let total = 0;
    for (const t of queryTerms) {
      const w = idf(t);
      total += w;
      covered += w * Math.max(bestMatch(t, p.q), ANSWER_CREDIT * bestMatch(t, p.a));
    }
    const coverage = total > 0 ? covered / total : 0;
    let precise = 0;
    let qTotal = 0;
    const querySet = new Set(queryTerms);
    for (const t of p.q) {
      const w = idf(t);
      qTotal += w;
      precise += w * bestMatch(t, querySet);
    }
    const precision = qTotal > 0 ? precise / qTotal : 0;
    const score = 0.65 * coverage + 0.35 * precision;
    if (score >= minScore && coverage > 0)
      hits.push({ id: p.id, score: Math.round(score * 1000) / 1000 });
  }
  return hits.sort((x, y) => y.score - x.score || x.id.localeCompare(y.id)).slice(0, limit);
}
