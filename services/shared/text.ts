import { fail, ok, type ParseResult } from './parse-result';

/** Why a text field was refused; string tables translate these codes. */
export type TextError = 'empty' | 'too_long' | 'invalid';

/** Rules for one text field of a form. */
export interface TextRules {
  required: boolean;
  /** Maximum length in characters (Unicode code points, after normalising). */
  max: number;
}

const HTML_ENTITIES: Record<string, string> = {
  '&nbsp;': ' ',
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&apos;': "'",
};

// Letters that Unicode does not decompose into a base letter plus a mark.
const EXTRA_FOLDS: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', ł: 'l', đ: 'd' };

const MENTION_AT_START = /^\s*<at\b[^>]*>[\s\S]*?<\/at>/i;
const MENTION_AT_END = /<at\b[^>]*>[\s\S]*?<\/at>\s*$/i;
const EDGE_PUNCTUATION = /^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu;

/**
 * Validates a free-text field from a card or message: normalises line endings (CRLF → LF) and
 * Unicode (NFC), trims, and refuses rather than truncates text that is too long. A missing value
 * (Adaptive Cards omit empty inputs) counts as empty; any other non-string is invalid.
 */
export function checkText(input: unknown, opts: TextRules): ParseResult<string, TextError> {
  if (input === undefined || input === null) return opts.required ? fail('empty') : ok('');
  if (typeof input !== 'string') return fail('invalid');
  const text = input.replace(/\r\n?/g, '\n').normalize('NFC').trim();
  if (text === '') return opts.required ? fail('empty') : ok('');
  if (Array.from(text).length > opts.max) return fail('too_long');
  return ok(text);
}

/**
 * Reduces a chat message to a comparable command key, so 'Ny Ansökan', '@Bot ny ansokan' and
 * 'HJÄLP!' match 'ny ansokan' and 'hjalp': drops a leading (or trailing) Teams <at> mention,
 * lower-cases, strips diacritics, collapses whitespace and trims punctuation at the ends.
 */
export function normalizeCommand(text: string): string {
  if (typeof text !== 'string') return '';
  let result = text.replace(/&(?:nbsp|amp|lt|gt|quot|apos|#39);/gi, (entity) => {
    return HTML_ENTITIES[entity.toLowerCase()] ?? entity;
  });
  while (MENTION_AT_START.test(result)) result = result.replace(MENTION_AT_START, '');
  while (MENTION_AT_END.test(result)) result = result.replace(MENTION_AT_END, '');
  return result
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[øæœßłđ]/g, (letter) => EXTRA_FOLDS[letter] ?? letter)
    .replace(/\s+/g, ' ')
    .replace(EDGE_PUNCTUATION, '');
}
