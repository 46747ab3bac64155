import fc from 'fast-check';
import { parseShare, sharesSumTo100 } from '../../../services/shared/percent';

describe('parseShare', () => {
  it.each([
    ['60', 60],
    ['60 %', 60],
    ['60%', 60],
    ['60\u00a0%', 60],
    ['60,5 %', 60.5],
    ['60.5', 60.5],
    ['33,33', 33.33],
    ['0', 0],
    ['100', 100],
    ['100,00 %', 100],
    [' 7 ', 7],
  ])('when the input is %j, then the share is %d percent', (input, expected) => {
    expect(parseShare(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'empty'],
    ['  ', 'empty'],
    ['%', 'invalid'],
    ['sextio', 'invalid'],
    ['60,555', 'invalid'],
    ['6 0', 'invalid'],
    ['60 %%', 'invalid'],
    ['1e2', 'invalid'],
    ['100,01', 'out_of_range'],
    ['101 %', 'out_of_range'],
    ['1000', 'out_of_range'],
    ['-5', 'out_of_range'],
    ['\u22125 %', 'out_of_range'],
  ])('when the input is %j, then it is refused as %s', (input, error) => {
    expect(parseShare(input)).toEqual({ ok: false, error });
  });

  it('when any share with up to two decimals is written, then parsing gives it back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom(',', '.'),
        fc.constantFrom('', '%', ' %'),
        (hundredths, decimalSeparator, suffix) => {
          const text = `${Math.floor(hundredths / 100)}${decimalSeparator}${String(hundredths % 100).padStart(2, '0')}${suffix}`;
          expect(parseShare(text)).toEqual({ ok: true, value: hundredths / 100 });
        },
      ),
    );
  });
});

describe('sharesSumTo100', () => {
  it('when shares add up to 100, then they are accepted', () => {
    expect(sharesSumTo100([60, 40])).toBe(true);
    expect(sharesSumTo100([100])).toBe(true);
    expect(sharesSumTo100([33.33, 33.33, 33.34])).toBe(true);
  });

  it('when shares are within 0.01 of 100, then they are accepted', () => {
    expect(sharesSumTo100([33.33, 33.33, 33.33])).toBe(true);
    expect(sharesSumTo100([50, 50.01])).toBe(true);
  });

  it('when shares miss 100 by more than 0.01, or are empty or not finite, then they are refused', () => {
    expect(sharesSumTo100([33, 33, 33])).toBe(false);
    expect(sharesSumTo100([50, 50.02])).toBe(false);
    expect(sharesSumTo100([])).toBe(false);
    expect(sharesSumTo100([100, Number.NaN])).toBe(false);
  });

  it('when 100 % is split at random into parsed shares, then they sum to 100', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 1, max: 9_999 }), { maxLength: 8 })
          .map((cuts) => [...new Set(cuts)].sort((a, b) => a - b)),
        (cuts) => {
          const bounds = [0, ...cuts, 10_000];
          const shares = bounds.slice(1).map((bound, i) => (bound - bounds[i]) / 100);
          const parsed = shares.map((share) => parseShare(String(share).replace('.', ',')));
          const values = parsed.map((result) => (result.ok ? result.value : Number.NaN));
          expect(sharesSumTo100(values)).toBe(true);
        },
      ),
    );
  });
});
