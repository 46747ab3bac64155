import fc from 'fast-check';
import { DateTime } from 'luxon';
import { fiscalYearOf, parseDate, stockholmDay } from '../../../services/shared/dates';

describe('parseDate', () => {
  it.each([
    ['2027-03-01', '2027-03-01'],
    ['2027-3-1', '2027-03-01'],
    ['1/3/2027', '2027-03-01'],
    ['01/03/2027', '2027-03-01'],
    ['1.3.2027', '2027-03-01'],
    ['1 mars 2027', '2027-03-01'],
    ['1 Mars 2027', '2027-03-01'],
    ['1 March 2027', '2027-03-01'],
    ['March 1, 2027', '2027-03-01'],
    ['1st March 2027', '2027-03-01'],
    ['24 dec. 2027', '2027-12-24'],
    ['6 maj 2027', '2027-05-06'],
    ['31 oktober 2027', '2027-10-31'],
    ['2028-02-29', '2028-02-29'],
    ['  2027-03-01 ', '2027-03-01'],
  ])('when the input is %j, then the ISO date is %s', (input, expected) => {
    expect(parseDate(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'empty'],
    [' ', 'empty'],
    ['2027-02-30', 'invalid'],
    ['2027-02-29', 'invalid'],
    ['2027-13-01', 'invalid'],
    ['31/4/2027', 'invalid'],
    ['32 mars 2027', 'invalid'],
    ['1 marsipan 2027', 'invalid'],
    ['1 constructor 2027', 'invalid'],
    ['1/3/27', 'invalid'],
    ['imorgon', 'invalid'],
    ['2027-03-01T10:00', 'invalid'],
    ['0999-01-01', 'invalid'],
  ])('when the input is %j, then it is refused as %s', (input, error) => {
    expect(parseDate(input)).toEqual({ ok: false, error });
  });

  it('when any real date is written in an accepted shape, then parsing gives its ISO date', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 365 * 200 }),
        fc.constantFrom('yyyy-MM-dd', 'yyyy-M-d', 'd/M/yyyy', 'd MMMM yyyy', 'd MMM yyyy'),
        fc.constantFrom('sv', 'en'),
        (offset, format, locale) => {
          const date = DateTime.utc(1950, 1, 1).plus({ days: offset });
          const text = date.setLocale(locale).toFormat(format);
          expect(parseDate(text)).toEqual({ ok: true, value: date.toISODate() });
        },
      ),
    );
  });
});

describe('fiscalYearOf', () => {
  it('when given an ISO date, then the fiscal year is its calendar year', () => {
    expect(fiscalYearOf('2027-03-01')).toBe(2027);
    expect(fiscalYearOf('2026-12-31')).toBe(2026);
    expect(fiscalYearOf('2027-01-01')).toBe(2027);
  });

  it('when given an instant, then the year is taken on the Stockholm calendar', () => {
    expect(fiscalYearOf(new Date('2026-12-31T23:30:00Z'))).toBe(2027);
    expect(fiscalYearOf(new Date('2026-12-31T22:30:00Z'))).toBe(2026);
  });

  it('when the date is not valid, then it throws', () => {
    expect(() => fiscalYearOf('2027-02-30')).toThrow(RangeError);
    expect(() => fiscalYearOf(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('stockholmDay', () => {
  it('when an instant is after midnight in Stockholm but before it in UTC, then the day shown is the Stockholm one', () => {
    // 23:53 UTC on 6 December is 00:53 on 7 December in Stockholm (winter, UTC+1).
    expect(stockholmDay('2026-12-06T23:53:00.000Z')).toBe('2026-12-07');
    // Summer time: UTC+2.
    expect(stockholmDay('2026-06-30T22:30:00.000Z')).toBe('2026-07-01');
    expect(stockholmDay('2026-06-30T21:59:59.999Z')).toBe('2026-06-30');
    expect(stockholmDay('2026-12-06T10:00:00.000Z')).toBe('2026-12-06');
  });

  it('when the value is a date alone, empty or unreadable, then it is shown as it is', () => {
    expect(stockholmDay('2027-02-01')).toBe('2027-02-01');
    expect(stockholmDay(undefined)).toBe('');
    expect(stockholmDay('')).toBe('');
    expect(stockholmDay('not a timestamp')).toBe('not a time');
  });

  it('when instants are read hour by hour from memory, then each still has the date in the zone itself, across the changes to and from summer time', () => {
    const from = Date.parse('2020-01-01T00:00:00Z');
    const to = Date.parse('2031-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        fc.integer({ min: from, max: to }),
        fc.constantFrom('iso', 'seconds', 'minutes', 'offset'),
        (ms, shape) => {
          const iso = new Date(ms).toISOString();
          const text =
            shape === 'seconds'
              ? iso.replace(/\.\d+Z$/, 'Z')
              : shape === 'minutes'
                ? iso.slice(0, 16) + 'Z'
                : shape === 'offset'
                  ? DateTime.fromMillis(ms, { zone: 'UTC+03:00' }).toISO()!
                  : iso;
          const expected = DateTime.fromISO(text, { zone: 'Europe/Stockholm' }).toISODate();
          // Twice: the second answer comes from the hour's memory.
          return stockholmDay(text) === expected && stockholmDay(text) === expected;
        },
      ),
      { numRuns: 2000 },
    );
    // The last minute before and the first after each change of offset in 2027 (last Sunday of
    // March and October, 01:00 UTC).
    for (const [before, after] of [
      ['2027-03-28T00:59:59.999Z', '2027-03-28T01:00:00.000Z'],
      ['2027-10-31T00:59:59.999Z', '2027-10-31T01:00:00.000Z'],
    ]) {
      for (const t of [before, after, before, after])
        expect(stockholmDay(t)).toBe(DateTime.fromISO(t, { zone: 'Europe/Stockholm' }).toISODate());
    }
    // Late on the evening of a change: 22:30 UTC on 27 March is 23:30 in Stockholm (UTC+1),
    // 22:30 UTC on 28 March is 00:30 on the 29th (UTC+2).
    expect(stockholmDay('2027-03-27T22:30:00Z')).toBe('2027-03-27');
    expect(stockholmDay('2027-03-28T22:30:00Z')).toBe('2027-03-29');
  });
});
