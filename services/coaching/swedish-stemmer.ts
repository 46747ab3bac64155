/**
 * The Snowball Swedish stemmer (snowballstem.org/algorithms/swedish), so "nyttokalkylen",
 * "nyttokalkyler" and "nyttokalkyl" are one search term in the coaches' FAQ. Input: one
 * lower-case word with å, ä, ö intact.
 */

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y', 'ä', 'å', 'ö']);
const S_ENDING = new Set([
  'b',
  'c',
  'd',
  'f',
  'g',
  'h',
  'j',
  'k',
  'l',
  'm',
  'n',
  'o',
  'p',
  'r',
  't',
  'v',
  'y',
]);

// Longest first, so the first hit is the longest suffix.
const STEP1 = [
  'heterna',
  'hetens',
  'anden',
  'heten',
  'heter',
  'arnas',
  'ernas',
  'ornas',
  'andes',
  'arens',
  'andet',
  'arna',
  'erna',
  'orna',
  'ande',
  'arne',
  'aste',
  'aren',
  'ades',
  'erns',
  'ade',
  'are',
  'ern',
  'ens',
  'het',
  'ast',
  'ad',
  'en',
  'ar',
  'er',
  'or',
  'as',
  'es',
  'at',
  'a',
  'e',
].sort((x, y) => y.length - x.length);
const STEP2 = ['dd', 'gd', 'nn', 'dt', 'gt', 'kt', 'tt'];

/** Start of region R1: after the first non-vowel that follows a vowel, but at least 3. */
function r1Start(word: string): number {
  for (let i = 1; i < word.length; i++) {
    if (!VOWELS.has(word[i]) && VOWELS.has(word[i - 1])) return Math.max(3, i + 1);
  }
  return word.length;
}

/** Stems one Swedish word (lower case); words shorter than 3 letters come back unchanged. */
export function stemSwedish(input: string): string {
  let word = input;
  if (word.length < 3) return word;
  const r1 = r1Start(word);
  if (r1 >= word.length) return word;

  // Step 1: main suffixes, or a final s after a valid s-ending.
  const inR1 = (suffix: string): boolean =>
    word.endsWith(suffix) && word.length - suffix.length >= r1;
  const s1 = STEP1.find(inR1);
  if (s1) word = word.slice(0, -s1.length);
  else if (inR1('s') && S_ENDING.has(word[word.length - 2])) word = word.slice(0, -1);

  // Step 2: undouble some consonant pairs.
  if (STEP2.some(inR1)) word = word.slice(0, -1);

  // Step 3: derivational suffixes.
  if (inR1('fullt')) word = word.slice(0, -1);
  else if (inR1('löst')) word = word.slice(0, -1);
  else {
    const s3 = ['lig', 'els', 'ig'].find(inR1);
    if (s3) word = word.slice(0, -s3.length);
  }
  return word;
}
