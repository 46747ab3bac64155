import fc from 'fast-check';
import {
  formatRegistrationNumber,
  parseRegistrationNumber,
} from '../../../services/applications/registration-number';

describe('formatRegistrationNumber', () => {
  it('when the sequence number is short, then it is padded to four digits', () => {
    expect(formatRegistrationNumber(2026, 42)).toBe('PK 2026/0042');
    expect(formatRegistrationNumber(2026, 1)).toBe('PK 2026/0001');
  });

  it('when the sequence number needs more than four digits, then all are kept', () => {
    expect(formatRegistrationNumber(2026, 12345)).toBe('PK 2026/12345');
  });

  it('when the year or sequence number is not valid, then it throws', () => {
    expect(() => formatRegistrationNumber(2026, 0)).toThrow(RangeError);
    expect(() => formatRegistrationNumber(2026, 1.5)).toThrow(RangeError);
    expect(() => formatRegistrationNumber(26, 1)).toThrow(RangeError);
  });
});

describe('parseRegistrationNumber', () => {
  it.each([
    ['PK 2026/0042', { year: 2026, seq: 42 }],
    ['pk 2026/42', { year: 2026, seq: 42 }],
    ['PK2026/0042', { year: 2026, seq: 42 }],
    ['Pk 2026 / 42', { year: 2026, seq: 42 }],
    ['PK-2026/42', { year: 2026, seq: 42 }],
    [' PK\u00a02026/12345 ', { year: 2026, seq: 12345 }],
  ])('when the text is %j, then it is read as %j', (input, expected) => {
    expect(parseRegistrationNumber(input)).toEqual(expected);
  });

  it.each(['', '2026/42', 'PK 2026', 'PK 26/42', 'PK 2026/0', 'PK 2026/42a', 'XPK 2026/42'])(
    'when the text is %j, then it is not a registration number',
    (input) => {
      expect(parseRegistrationNumber(input)).toBeNull();
    },
  );

  it('when a formatted number is parsed, then year and sequence come back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 1, max: 999_999 }),
        (year, seq) => {
          expect(parseRegistrationNumber(formatRegistrationNumber(year, seq))).toEqual({
            year,
            seq,
          });
        },
      ),
    );
  });
});
