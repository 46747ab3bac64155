/**
 * Page maths for lists shown on cards: a card holds one page, so it stays small whatever the data,
 * and the store reads one page (skip/limit on an indexed sort) plus a count, never everything.
 */

/** The highest page number a card may ask for; anything above is a bad page number. */
export const MAX_PAGE_NUMBER = 1_000_000;

/** One page of a list: what to read from the store and what to tell the reader. */
export interface PageWindow {
  /** 1-based page shown. */
  page: number;
  /** Number of pages (at least 1, also for an empty list). */
  pages: number;
  /** Items in the whole list. */
  total: number;
  pageSize: number;
  /** How many items to skip in the store's sorted order. */
  skip: number;
  /** How many items to read (the page size). */
  limit: number;
  /** 1-based position of the first item shown (0 when the list is empty). */
  from: number;
  /** 1-based position of the last item shown (0 when the list is empty). */
  to: number;
  hasPrevious: boolean;
  hasNext: boolean;
}

/**
 * A page number from a card's action data: a whole number from 1 to MAX_PAGE_NUMBER, given as a
 * number or as the digits a card carries. Missing means page 1; anything else is null (refused).
 */
export function parsePageNumber(raw: unknown): number | null {
  if (raw === undefined || raw === null || raw === '') return 1;
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && /^\s*\d{1,7}\s*$/.test(raw)) n = Number(raw.trim());
  else return null;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_NUMBER) return null;
  return n;
}

/**
 * The window for `requested` (1-based) in a list of `total` items. A page past the end (the list
 * shrank since the card was sent) shows the last page instead.
 */
export function pageWindow(total: number, requested: number, pageSize: number): PageWindow {
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new RangeError(`bad page size ${pageSize}`);
  const count = Math.max(0, Math.trunc(total));
  const pages = Math.max(1, Math.ceil(count / pageSize));
  const page = Math.min(Math.max(1, Math.trunc(requested) || 1), pages);
  const skip = (page - 1) * pageSize;
  const shown = Math.max(0, Math.min(pageSize, count - skip));
  return {
    page,
    pages,
    total: count,
    pageSize,
    skip,
    limit: pageSize,
    from: shown === 0 ? 0 : skip + 1,
    to: skip + shown,
    hasPrevious: page > 1,
    hasNext: page < pages,
  };
}
