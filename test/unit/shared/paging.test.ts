import fc from 'fast-check';
import { MAX_PAGE_NUMBER, pageWindow, parsePageNumber } from '../../../services/shared/paging';

describe('page maths for lists on cards', () => {
  it('when the list has 134 items and page 2 of 10 is asked for, then it shows 11–20 and reads from 10', () => {
    const w = pageWindow(134, 2, 10);
    expect(w).toEqual({
      page: 2,
      pages: 14,
      total: 134,
      pageSize: 10,
      skip: 10,
      limit: 10,
      from: 11,
      to: 20,
      hasPrevious: true,
      hasNext: true,
    });
  });

  it('when the last page is partly full, then it shows the rest and has no next page', () => {
    const w = pageWindow(134, 14, 10);
    expect([w.from, w.to, w.skip, w.hasPrevious, w.hasNext]).toEqual([131, 134, 130, true, false]);
  });

  it('when the list is an exact multiple of the page size, then there is no empty page after it', () => {
    expect(pageWindow(20, 2, 10)).toMatchObject({ pages: 2, from: 11, to: 20, hasNext: false });
    expect(pageWindow(20, 3, 10)).toMatchObject({ page: 2, from: 11, to: 20 });
  });

  it('when the list is empty, then there is one page showing nothing, with no buttons', () => {
    expect(pageWindow(0, 1, 10)).toMatchObject({
      page: 1,
      pages: 1,
      from: 0,
      to: 0,
      skip: 0,
      hasPrevious: false,
      hasNext: false,
    });
    expect(pageWindow(0, 7, 10).page).toBe(1);
  });

  it('when a page past the end is asked for (the list shrank since the card was sent), then the last page is shown', () => {
    expect(pageWindow(25, 9, 10)).toMatchObject({ page: 3, from: 21, to: 25, skip: 20 });
  });

  it('when the page size is not a positive whole number, then it is a programming error', () => {
    expect(() => pageWindow(10, 1, 0)).toThrow(RangeError);
    expect(() => pageWindow(10, 1, 2.5)).toThrow(RangeError);
  });

  it('for any list and page, then the window lies inside the list and the pages cover it exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: MAX_PAGE_NUMBER }),
        fc.integer({ min: 1, max: 50 }),
        (total, page, size) => {
          const w = pageWindow(total, page, size);
          expect(w.page).toBeGreaterThanOrEqual(1);
          expect(w.page).toBeLessThanOrEqual(w.pages);
          expect(w.to - w.from + (total === 0 ? 0 : 1)).toBeLessThanOrEqual(size);
          expect(w.to).toBeLessThanOrEqual(total);
          if (total > 0) expect(w.from).toBe(w.skip + 1);
          expect(w.hasNext).toBe(w.to < total);
          expect(w.hasPrevious).toBe(w.skip > 0);
          // Walking the pages shows every item exactly once.
          if (page === 1 && total <= 500) {
            let seen = 0;
            for (let p = 1; p <= w.pages; p++) {
              const x = pageWindow(total, p, size);
              expect(x.from).toBe(total === 0 ? 0 : seen + 1);
              seen = x.to;
            }
            expect(seen).toBe(total);
          }
        },
      ),
    );
  });

  it('when a card carries a page number, then whole numbers from 1 are taken and anything else refused', () => {
    expect(parsePageNumber(undefined)).toBe(1);
    expect(parsePageNumber('')).toBe(1);
    expect(parsePageNumber(null)).toBe(1);
    expect(parsePageNumber(3)).toBe(3);
    expect(parsePageNumber('12')).toBe(12);
    expect(parsePageNumber(' 4 ')).toBe(4);
    expect(parsePageNumber(MAX_PAGE_NUMBER)).toBe(MAX_PAGE_NUMBER);
    for (const bad of [
      0,
      -1,
      1.5,
      NaN,
      Infinity,
      MAX_PAGE_NUMBER + 1,
      '0',
      '-2',
      '1.5',
      '1e3',
      '0x10',
      'två',
      '99999999',
      {},
      [],
      [2],
      true,
      { page: 2 },
    ])
      expect(parsePageNumber(bad)).toBeNull();
  });
});
