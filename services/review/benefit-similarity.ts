import { SubmittedData } from '../applications/application';
import { stemSwedish } from '../coaching/swedish-stemmer';
import { normalizeCommand } from '../shared/text';

/**
 * How alike two applications' benefit claims are, measured so that the words every municipal IT
 * application uses ("minskad handläggningstid", "e-tjänst", "digital", "timmar per år") do not
 * make unrelated projects look alike, while the same change described in other words (another
 * inflection, another compound) still does. Tuned on the labelled pairs in
 * test/unit/review/double-counting-pairs.ts.
 */

/** Where a word stands says how much it tells about the benefit claimed. */
const FIELD_WEIGHTS = {
  title: 1.2,
  citizenBenefit: 1,
  internalBenefit: 1.5,
  realisationPlan: 0.8,
  need: 1,
  userGroups: 0.6,
} as const satisfies Partial<Record<keyof SubmittedData, number>>;

type BenefitField = keyof typeof FIELD_WEIGHTS;
const FIELDS = Object.keys(FIELD_WEIGHTS) as BenefitField[];

/** The fields whose sentences state the benefit (quoted on the card as the shared claim). */
const CLAIM_FIELDS: BenefitField[] = ['internalBenefit', 'citizenBenefit'];

/** Swedish (and a few English) function words. */
const FUNCTION_WORDS = `
alla allt andra annat att av bara blir bli både de dem den denna dess dessa det detta dig din
du där efter eller en ett finns fler flera från för genom ha har hela hos här i ibland ingen
inga inom inte is ju kan kommer kunna man med mellan men mer mest mot mycket många ni nu när
och också om oss på redan sam samma samt sedan sig sin sina sitt ska skall som så till under
upp ut utan vad var vara varje vi vid vilka vilket vår våra vårt än även över därför några
idag dag dagen direkt cirka minst mindre färre fler mer per år året årligen två tre fyra fem
sex sju åtta nio tio hälften tredjedel del stor stora ofta många varje egen egna tar ta tog
vecka veckor veckan dagar månad månader månaden stället
the and for with from that this have will into than they their also which would should
about there these those other more most such each been were
`;

/**
 * Words every application uses whatever its benefit: they say that something gets better, not
 * what. Matching on them is what flagged "förskoleplats" against "e-arkiv".
 */
const TEMPLATE_WORDS = `
projekt projektet verksamhet verksamheten stad staden stadens kommun kommunen kommunens
nytta nyttan nyttor förvaltning förvaltningen förvaltningar förvaltningarna genomföra arbete
arbetet kronor kr timmar timme tid tiden tjänst tjänsten tjänster e-tjänst digital digitalt
digitala digitalisering digitalisera automatisk automatiskt automatiskt manuell manuellt
manuella hand för-hand papper pappersblankett blankett blanketter effektiv effektivare
effektivisering minskad minska minskar minskning ökad öka ökar snabbare enklare bättre
lägre högre handläggning handläggningen handläggningstid handläggningstiden handläggare
handläggarna ärende ärenden ärendet ansökan ansökningar ansöker söka söker sökande besked
beslut invånare invånarna medborgare medborgarna användare användarna medarbetare personal
personalen system systemet lösning kvalitet sparar spara sparas frigörs används använda
används omfördelas omfördela tas ingen nytta slipper upphör behövs behöver kan får få
göra görs gör lägger läggs läggas tjänster årsarbetare heltid halvtid enhet enheten chef
avdelningschef enhetschef direkt självservice självbetjäning kommer in kontrollerar kontroll
för in skrivs skriver
uppgifter information snabbt
`;

function fold(word: string): string {
  return word.normalize('NFD').replace(/\p{M}+/gu, '');
}

/** One word reduced to the form that is compared: Snowball stem, accents folded. */
function termOf(word: string): string {
  return fold(stemSwedish(word));
}

const wordsOf = (list: string): string[] =>
  list
    .split(/\s+/)
    .flatMap((w) => w.split('-'))
    .filter((w) => w.length > 0);

const STOP_TERMS = new Set([...wordsOf(FUNCTION_WORDS), ...wordsOf(TEMPLATE_WORDS)].map(termOf));

/** Terms shorter than this are ignored (too ambiguous once stemmed). */
const MIN_TERM = 3;
/**
 * A term that starts or ends another (a Swedish compound: "förskol" in "förskoleplats", "arkiv"
 * in "fjärrarkiv") counts this much…
 */
const COMPOUND_CREDIT = 0.5;
/** …when the shared part is at least this long. */
const MIN_COMPOUND_PART = 5;

/** The words of a text, lower case with å, ä, ö intact (the stemmer needs them). */
function wordsOfText(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= MIN_TERM && !/^\d+$/.test(w));
}

/** An application's benefit claims as weighted terms, with a readable word for each term. */
export interface BenefitProfile {
  /** term → weight (the heaviest field it appears in). */
  weights: Map<string, number>;
  /** term → the first word it came from, as written, for "gemensamma ord". */
  words: Map<string, string>;
  /** The sentences stating the benefit, with their terms. */
  claims: { text: string; terms: Set<string> }[];
}

/** The benefit claim as compared for a copy: both benefits and the plan, case and spacing ignored. */
export function claimText(d: Partial<SubmittedData>): string {
  return [d.citizenBenefit, d.internalBenefit, d.realisationPlan]
    .map((x) => normalizeCommand(x ?? ''))
    .join('\n')
    .trim();
}

/** Splits benefit text into sentences (a claim is one sentence, often ending with the figure). */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?;])\s+|\n+/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

/** Builds the weighted terms of an application's title, need, target group and benefit fields. */
export function benefitProfile(d: Partial<SubmittedData>): BenefitProfile {
  const weights = new Map<string, number>();
  const words = new Map<string, string>();
  const claims: BenefitProfile['claims'] = [];
  for (const field of FIELDS) {
    const text = d[field];
    if (typeof text !== 'string' || text.trim() === '') continue;
    for (const word of wordsOfText(text)) {
      const term = termOf(word);
      if (term.length < MIN_TERM || STOP_TERMS.has(term)) continue;
      weights.set(term, Math.max(weights.get(term) ?? 0, FIELD_WEIGHTS[field]));
      if (!words.has(term)) words.set(term, word);
    }
    if (CLAIM_FIELDS.includes(field)) {
      for (const sentence of sentences(text)) {
        const terms = new Set(
          wordsOfText(sentence)
            .map(termOf)
            .filter((t) => t.length >= MIN_TERM && !STOP_TERMS.has(t)),
        );
        if (terms.size > 0) claims.push({ text: sentence, terms });
      }
    }
  }
  return { weights, words, claims };
}

/** How much term `t` of one profile is matched by the other: 1 exactly, partly as a compound. */
function matchOf(t: string, other: Map<string, number>): { weight: number; credit: number } {
  // Snowball leaves a final s on some forms only ("förskoleplats" vs "förskoleplat").
  const exact = other.get(t) ?? other.get(t.endsWith('s') ? t.slice(0, -1) : `${t}s`);
  if (exact !== undefined) return { weight: exact, credit: 1 };
  let best = { weight: 0, credit: 0 };
  for (const [u, w] of other) {
    const [short, long] = u.length < t.length ? [u, t] : [t, u];
    const part = long.startsWith(short) || long.endsWith(short);
    if (short.length >= MIN_COMPOUND_PART && part && w > best.weight)
      best = { weight: w, credit: COMPOUND_CREDIT };
  }
  return best;
}

/** What two profiles share: a cosine similarity 0–1 and the shared terms, strongest first. */
export interface TextOverlap {
  similarity: number;
  /** Shared terms, strongest first, as written in the first profile. */
  words: string[];
  /** How many terms are shared (a compound match counts partly). */
  matched: number;
  shared: Set<string>;
}

/**
 * How many of the applications compared use each term: a word that many applications use
 * ("samtal", "kundtjänst") says less about which benefit is claimed than a rare one
 * ("förskoleplats").
 */
export interface BenefitCorpus {
  size: number;
  df: Map<string, number>;
}

/** Below this many applications document frequencies say nothing; every term counts fully. */
export const MIN_CORPUS = 10;
/** The least a common term still counts. */
const MIN_RARITY = 0.2;

/** Counts, per term, the applications that use it. */
export function benefitCorpus(profiles: Iterable<BenefitProfile>): BenefitCorpus {
  const df = new Map<string, number>();
  let size = 0;
  for (const p of profiles) {
    size++;
    for (const t of p.weights.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  }
  return { size, df };
}

/** 1 for a term only the two compared applications use, falling towards MIN_RARITY for one all use. */
function rarity(term: string, corpus: BenefitCorpus | undefined): number {
  if (!corpus || corpus.size < MIN_CORPUS) return 1;
  const df = Math.max(2, corpus.df.get(term) ?? 2);
  const r = Math.log(corpus.size / df) / Math.log(corpus.size / 2);
  return Math.min(1, Math.max(MIN_RARITY, r));
}

function weighted(p: BenefitProfile, corpus: BenefitCorpus | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const [t, w] of p.weights) out.set(t, w * rarity(t, corpus));
  return out;
}

/** Weighted cosine similarity of two profiles, compounds counting partly, common terms less. */
export function profileOverlap(
  a: BenefitProfile,
  b: BenefitProfile,
  corpus?: BenefitCorpus,
): TextOverlap {
  const wa = weighted(a, corpus);
  const wb = weighted(b, corpus);
  const norm = (w: Map<string, number>): number =>
    Math.sqrt([...w.values()].reduce((sum, x) => sum + x * x, 0));
  const na = norm(wa);
  const nb = norm(wb);
  if (na === 0 || nb === 0) return { similarity: 0, words: [], matched: 0, shared: new Set() };
  let dot = 0;
  let matched = 0;
  const contributions: { term: string; value: number }[] = [];
  for (const [t, x] of wa) {
    const m = matchOf(t, wb);
    if (m.credit === 0) continue;
    const value = x * m.weight * m.credit;
    dot += value;
    matched += m.credit;
    contributions.push({ term: t, value });
  }
  contributions.sort((x, y) => y.value - x.value);
  return {
    similarity: Math.min(1, dot / (na * nb)),
    words: contributions.map((c) => a.words.get(c.term) ?? c.term),
    matched,
    shared: new Set(contributions.map((c) => c.term)),
  };
}

/** The sentence of a profile's benefit claims that shares the most terms with the other profile. */
export function sharedClaim(p: BenefitProfile, other: BenefitProfile): string | undefined {
  let best: { text: string; score: number } | undefined;
  for (const claim of p.claims) {
    let score = 0;
    for (const t of claim.terms) score += matchOf(t, other.weights).credit;
    if (score > 0 && (!best || score > best.score)) best = { text: claim.text, score };
  }
  return best?.text;
}
