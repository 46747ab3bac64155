import fc from 'fast-check';
import {
  formatSek,
  formatTkr,
  MAX_AMOUNT_SEK,
  NBSP,
  parseSek,
} from '../../../services/shared/amount';

describe('parseSek', () => {
  it.each([
    ['1 200 000', 1_200_000],
    ['1200000', 1_200_000],
    ['1 200 000 kr', 1_200_000],
    ['1 200 000 SEK', 1_200_000],
    ['1 200 000:-', 1_200_000],
    ['1200,-', 1_200],
    ['1,2 mkr', 1_200_000],
    ['1,2 Mkr', 1_200_000],
    ['1.2 MSEK', 1_200_000],
    ['1,2 miljoner', 1_200_000],
    ['1,25 miljoner kronor', 1_250_000],
    ['2 mdkr', 2_000_000_000],
    ['450 tkr', 450_000],
    ['450 TSEK', 450_000],
    ['1 500 tkr', 1_500_000],
    ['12,5 tusen kronor', 12_500],
    ['450 000,50', 450_001],
    ['450 000,49', 450_000],
    ['450 000.5', 450_001],
    ['1\u00a0200\u00a0000', 1_200_000],
    ['1\u202f200\u202f000 kr', 1_200_000],
    ['1.200.000', 1_200_000],
    ['1.200.000,50 kr', 1_200_001],
    ['1,200,000', 1_200_000],
    ['1.200', 1_200],
    ['12,345 kr', 12_345],
    ['1,200 tkr', 1_200],
    ['SEK 1,200,000', 1_200_000],
    ['SEK 1,200k', 1_200_000],
    ['SEK 4.5k', 4_500],
    ['  75 000 kr \n', 75_000],
    ['0', 0],
    ['10 000 000 000', MAX_AMOUNT_SEK],
  ])('when the input is %j, then the value is %d kronor', (input, expected) => {
    expect(parseSek(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'invalid'],
    ['1,2,3', 'invalid'],
    ['12 tkr 5', 'invalid'],
    ['1 20 000', 'invalid'],
    ['1 2000', 'invalid'],
    ['1.20.000', 'invalid'],
    ['1.200,000', 'invalid'],
    ['1,200.000', 'invalid'],
    ['5e9', 'invalid'],
    ['12,3456 kr', 'invalid'],
    ['1 200,345', 'invalid'],
    ['kr', 'invalid'],
    ['SEK 100 kr', 'invalid'],
    ['SEK 1.200.000', 'invalid'],
    ['1 200 000 kr kr', 'invalid'],
    ['-5', 'negative'],
    ['-1 200 kr', 'negative'],
    ['\u22125 tkr', 'negative'],
    ['-abc', 'invalid'],
    ['10 000 000 001', 'too_large'],
    ['11 mdkr', 'too_large'],
    ['99999999999999999999999', 'too_large'],
  ])('when the input is %j, then it is refused as %s', (input, error) => {
    expect(parseSek(input)).toEqual({ ok: false, error });
  });

  it('when the input is not a string at runtime, then it is invalid', () => {
    expect(parseSek(42 as unknown as string)).toEqual({ ok: false, error: 'invalid' });
  });

  it('when a whole amount is formatted in either locale, then parsing gives it back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_AMOUNT_SEK }),
        fc.constantFrom<'sv' | 'en'>('sv', 'en'),
        (value, locale) => {
          expect(parseSek(formatSek(value, locale))).toEqual({ ok: true, value });
        },
      ),
    );
  });

  it('when an amount is grouped by any accepted separator, then parsing gives it back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_AMOUNT_SEK }),
        fc.constantFrom(' ', NBSP, '\u202f', '.', ''),
        fc.constantFrom('', ' kr', ' SEK', ':-', ' kronor'),
        (value, separator, suffix) => {
          const grouped = String(value).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
          expect(parseSek(grouped + suffix)).toEqual({ ok: true, value });
        },
      ),
    );
  });

  it('when a compact thousands amount is parsed back, then it is the rounded value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_AMOUNT_SEK / 1000 }),
        fc.constantFrom<'sv' | 'en'>('sv', 'en'),
        (thousands, locale) => {
          const value = thousands * 1000;
          expect(parseSek(formatTkr(value, locale))).toEqual({ ok: true, value });
        },
      ),
    );
  });

  it('when a positive amount has a minus sign, then it is refused as negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_AMOUNT_SEK }), (value) => {
        expect(parseSek(`-${formatSek(value, 'sv')}`)).toEqual({ ok: false, error: 'negative' });
      }),
    );
  });

  it('when an amount exceeds the maximum, then it is refused as too large', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_AMOUNT_SEK + 1, max: Number.MAX_SAFE_INTEGER }), (v) => {
        expect(parseSek(String(v))).toEqual({ ok: false, error: 'too_large' });
      }),
    );
  });
});

describe('formatSek', () => {
  it('when formatting in Swedish, then no-break spaces group the digits before "kr"', () => {
    expect(formatSek(1_200_000, 'sv')).toBe('1\u00a0200\u00a0000\u00a0kr');
  });

  it('when formatting in English, then commas group the digits after "SEK"', () => {
    expect(formatSek(1_200_000, 'en')).toBe('SEK\u00a01,200,000');
  });

  it('when formatting small, fractional and negative values, then they are rounded half up', () => {
    expect(formatSek(0, 'sv')).toBe('0\u00a0kr');
    expect(formatSek(999.5, 'sv')).toBe('1\u00a0000\u00a0kr');
    expect(formatSek(-1200, 'sv')).toBe('-1\u00a0200\u00a0kr');
    expect(formatSek(-1200, 'en')).toBe('-SEK\u00a01,200');
    expect(formatSek(-0.2, 'en')).toBe('SEK\u00a00');
  });

  it('when the value is not finite, then it throws', () => {
    expect(() => formatSek(Number.NaN, 'sv')).toThrow(RangeError);
    expect(() => formatSek(Infinity, 'en')).toThrow(RangeError);
  });
});

describe('formatTkr', () => {
  it.each([
    [1_200_000, '1\u00a0200\u00a0tkr', 'SEK\u00a01,200k'],
    [450_499, '450\u00a0tkr', 'SEK\u00a0450k'],
    [450_500, '451\u00a0tkr', 'SEK\u00a0451k'],
    [4_500, '4,5\u00a0tkr', 'SEK\u00a04.5k'],
    [4_000, '4\u00a0tkr', 'SEK\u00a04k'],
    [0, '0\u00a0tkr', 'SEK\u00a00k'],
    [-25_000, '-25\u00a0tkr', '-SEK\u00a025k'],
  ])('when formatting %d kronor, then it reads %j / %j', (value, sv, en) => {
    expect(formatTkr(value, 'sv')).toBe(sv);
    expect(formatTkr(value, 'en')).toBe(en);
  });
});
