import { normalizeCommand } from '../services/shared/text';

/**
 * The word a person types for a portfolio in a command hint ("fördela tillgänglighet 2028"). The
 * stored key is folded for matching ("tillganglighet"); commands fold what is typed the same way,
 * so the hint may show the word as Swedish writes it: the first word of the portfolio's Swedish
 * name when it folds to the key, else the key as stored.
 */
export function commandWord(portfolio: { key: string; name?: { sv?: string } }): string {
  const first = (portfolio.name?.sv ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (first && normalizeCommand(first) === normalizeCommand(portfolio.key)) return first;
  return portfolio.key;
}
