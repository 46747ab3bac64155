import { fail, ok, type ParseResult } from './parse-result';

export type { ParseResult } from './parse-result';

/** Why an amount typed by a user was refused; string tables translate these codes. */
export type AmountError = 'empty' | 'invalid' | 'negative' | 'too_large';

/** Largest amount we accept (10 000 000 000 kr): far above any frame, catches typos with extra zeros. */
export const MAX_AMOUNT_SEK = 10_000_000_000;

/** No-break space: keeps digit groups and the currency together when Teams wraps a line. */
export const NBSP = '\u00a0';

const MAX_INPUT_LENGTH = 100;

const MULTIPLIERS: Record<string, bigint> = {
  t: 1_000n,
  k: 1_000n,
  tusen: 1_000n,
  m: 1_000_000n,
  mn: 1_000_000n,
  milj: 1_000_000n,
  miljon: 1_000_000n,
  miljoner: 1_000_000n,
  million: 1_000_000n,
  millions: 1_000_000n,
  md: 1_000_000_000n,
  miljard: 1_000_000_000n,
  miljarder: 1_000_000_000n,
};

// Input is trimmed, lower-cased and has every whitespace run (incl. U+00A0, U+202F) turned into
// one space before this runs. Groups: 1 "sek " prefix, 2 number, 3 multiplier, 4 currency word.
// "t" and "md" only count as multipliers right before a currency word ("tkr", "tsek", "mdkr").
const AMOUNT_PATTERN = new RegExp(
  '^(?:(sek) ?)?' +
    '(\\d(?:[\\d., ]*\\d)?)' +
    ' ?(?:(miljarder|miljard|miljoner|miljon|millions|million|milj|tusen|mn|m|k|t(?=kr|sek)|md(?=kr))\\.? ?)?' +
    '(kronor|kr\\.?|sek|:-|,-)?$',
);

// Integer part either plain digits or groups of three joined by one repeated separator, then an
// optional decimal part. "1.200" matches as 1 + decimal ".200"; interpretNumber decides.
const NUMBER_PATTERN = /^(\d+|\d{1,3}([ .,])\d{3}(?:\2\d{3})*)(?:([.,])(\d+))?$/;

interface ExactNumber {
  digits: bigint;
  /** Number of decimals in `digits`. */
  scale: number;
}

/**
 * Parses an amount in kronor as people in a Swedish municipality type it ("1 200 000 kr",
 * "1,2 mkr", "450 tkr", "450 000,50"), so forms accept what users naturally write. Returns whole
 * kronor, öre rounded half up. A leading "SEK " switches to English separators ("SEK 1,200k").
 */
export function parseSek(input: string): ParseResult<number, AmountError> {
  if (typeof input !== 'string') return fail('invalid');
  const text = input.replace(/\s+/g, ' ').trim().toLowerCase();
  if (text === '') return fail('empty');
  if (text.length > MAX_INPUT_LENGTH) return fail('invalid');

  const negative = /^[-\u2212\u2013]/.test(text);
  const unsigned = negative ? text.slice(1).trimStart() : text;
  const match = AMOUNT_PATTERN.exec(unsigned);
  if (!match) return fail('invalid');
  const [, prefix, numberText, multiplierWord, currency] = match;
  if (prefix && currency) return fail('invalid');

  const multiplier = multiplierWord ? MULTIPLIERS[multiplierWord] : 1n;
  const exact = interpretNumber(numberText, prefix === 'sek', multiplierWord !== undefined);
  if (!exact) return fail('invalid');

  const denominator = 10n ** BigInt(exact.scale);
  const kronor = (2n * exact.digits * multiplier + denominator) / (2n * denominator);
  if (negative && kronor > 0n) return fail('negative');
  if (kronor > BigInt(MAX_AMOUNT_SEK)) return fail('too_large');
  return ok(Number(kronor));
}

function interpretNumber(
  text: string,
  english: boolean,
  hasMultiplier: boolean,
): ExactNumber | null {
  const match = NUMBER_PATTERN.exec(text);
  if (!match) return null;
  const [, integerText, groupSeparator, decimalSeparator, fractionText] = match;
  let integerDigits = groupSeparator ? integerText.split(groupSeparator).join('') : integerText;
  let fraction = fractionText ?? '';

  if (groupSeparator && decimalSeparator === groupSeparator) return null;
  if (english && groupSeparator === '.') return null;

  const looksLikeThousands =
    !groupSeparator &&
    decimalSeparator !== undefined &&
    fraction.length === 3 &&
    integerText.length <= 3;
  // Without a multiplier öre have two digits, so "1.200" (or "1,200") can only mean 1 200.
  // In English mode a comma is always a thousands separator ("SEK 1,200k").
  if (looksLikeThousands && (english ? decimalSeparator === ',' : !hasMultiplier)) {
    integerDigits += fraction;
    fraction = '';
  } else if (english && decimalSeparator === ',') {
    return null;
  }
  if (!hasMultiplier && fraction.length > 2) return null;

  return { digits: BigInt(integerDigits + fraction), scale: fraction.length };
}

/** Formats whole kronor for messages and cards: sv "1 200 000 kr", en "SEK 1,200,000" (NBSP). */
export function formatSek(value: number, locale: 'sv' | 'en'): string {
  const rounded = roundHalfUp(requireFinite(value));
  const sign = rounded < 0 ? '-' : '';
  const digits = String(Math.abs(rounded));
  return locale === 'sv'
    ? `${sign}${groupDigits(digits, NBSP)}${NBSP}kr`
    : `${sign}SEK${NBSP}${groupDigits(digits, ',')}`;
}

/**
 * Formats kronor as thousands for compact lists: sv "1 200 tkr", en "SEK 1,200k". Amounts under
 * 10 tkr keep one decimal ("4,5 tkr") so small sums do not all read as "0 tkr".
 */
export function formatTkr(value: number, locale: 'sv' | 'en'): string {
  const finite = requireFinite(value);
  const sign = finite < 0 && roundHalfUp(Math.abs(finite) / 100) > 0 ? '-' : '';
  const abs = Math.abs(finite);
  let number: string;
  if (abs < 10_000) {
    const tenths = roundHalfUp(abs / 100);
    const whole = String(Math.floor(tenths / 10));
    const decimal = tenths % 10;
    number = decimal === 0 ? whole : `${whole}${locale === 'sv' ? ',' : '.'}${decimal}`;
  } else {
    number = groupDigits(String(roundHalfUp(abs / 1000)), locale === 'sv' ? NBSP : ',');
  }
  return locale === 'sv' ? `${sign}${number}${NBSP}tkr` : `${sign}SEK${NBSP}${number}k`;
}

function requireFinite(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`Not a finite amount: ${value}`);
  return value;
}

function roundHalfUp(value: number): number {
  const rounded = Math.sign(value) * Math.floor(Math.abs(value) + 0.5);
  return rounded === 0 ? 0 : rounded;
}

function groupDigits(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}
