import { fail, ok, type ParseResult } from './parse-result';

/** Why a share typed by a user was refused; string tables translate these codes. */
export type ShareError = 'empty' | 'invalid' | 'out_of_range';

const SHARE_PATTERN = /^(-?\d{1,3})(?:[.,](\d{1,2}))?$/;

/**
 * Parses a percentage share ("60", "60 %", "60,5 %", "60.5"), used when running costs are split
 * between organisations. Returns percent 0–100 with at most two decimals; more decimals are
 * refused rather than silently rounded.
 */
export function parseShare(input: string): ParseResult<number, ShareError> {
  if (typeof input !== 'string') return fail('invalid');
  const text = input
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/ ?%$/, '')
    .replace(/^\u2212/, '-');
  if (text === '') return input.trim() === '' ? fail('empty') : fail('invalid');
  const match = SHARE_PATTERN.exec(text);
  if (!match) {
    return /^-?\d+(?:[.,]\d{1,2})?$/.test(text) ? fail('out_of_range') : fail('invalid');
  }
  const [, whole, decimals = ''] = match;
  const negative = whole.startsWith('-');
  const hundredths = Math.abs(Number(whole)) * 100 + Number(decimals.padEnd(2, '0'));
  if (negative && hundredths > 0) return fail('out_of_range');
  if (hundredths > 10_000) return fail('out_of_range');
  return ok(hundredths / 100);
}

/** Checks that shares of a cost add up to 100 % (±0.01), so no part of the cost is left unowned. */
export function sharesSumTo100(shares: number[]): boolean {
  if (shares.length === 0 || !shares.every(Number.isFinite)) return false;
  const total = shares.reduce((sum, share) => sum + share, 0);
  return Math.abs(total - 100) <= 0.01 + 1e-9;
}
