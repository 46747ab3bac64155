import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  addWorkingDays,
  addWorkingHours,
  isWorkingDay,
  nextOfficeTime,
  workingHoursBetween,
} from '../../../services/shared/working-days';

const ZONE = 'Europe/Stockholm';
const YEARS = [2025, 2026, 2027, 2028, 2029, 2030];

// ---- An independent reference calendar, built without date-holidays or luxon ----

/** Easter Sunday by the anonymous Gregorian computus (Meeus/Jones/Butcher). */
function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(Date.UTC(year, month - 1, day));
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function plusDays(isoDate: string, days: number): string {
  return iso(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000);
}

/** 0 = Sunday … 6 = Saturday. */
function weekdayOf(isoDate: string): number {
  return new Date(`${isoDate}T00:00:00Z`).getUTCDay();
}

/** The first given weekday on or after a date. */
function firstWeekdayFrom(isoDate: string, weekday: number): string {
  return plusDays(isoDate, (weekday - weekdayOf(isoDate) + 7) % 7);
}

const goodFriday = (year: number): string => plusDays(easterSunday(year), -2);
const easterMonday = (year: number): string => plusDays(easterSunday(year), 1);
const ascensionDay = (year: number): string => plusDays(easterSunday(year), 39);
const midsummerEve = (year: number): string => firstWeekdayFrom(`${year}-06-19`, 5);

function referenceDaysOff(year: number): Set<string> {
  const easter = easterSunday(year);
  return new Set([
    `${year}-01-01`, // nyårsdagen
    `${year}-01-06`, // trettondedag jul
    goodFriday(year),
    easter,
    easterMonday(year),
    `${year}-05-01`, // första maj
    ascensionDay(year),
    plusDays(easter, 49), // pingstdagen
    `${year}-06-06`, // nationaldagen
    midsummerEve(year),
    firstWeekdayFrom(`${year}-06-20`, 6), // midsommardagen
    firstWeekdayFrom(`${year}-10-31`, 6), // alla helgons dag
    `${year}-12-24`, // julafton
    `${year}-12-25`, // juldagen
    `${year}-12-26`, // annandag jul
    `${year}-12-31`, // nyårsafton
  ]);
}

function referenceIsWorkingDay(isoDate: string): boolean {
  const weekday = weekdayOf(isoDate);
  const year = Number(isoDate.slice(0, 4));
  return weekday !== 0 && weekday !== 6 && !referenceDaysOff(year).has(isoDate);
}

const atStockholm = (isoDateTime: string): Date =>
  DateTime.fromISO(isoDateTime, { zone: ZONE }).toJSDate();
const noonOn = (isoDate: string): DateTime => DateTime.fromISO(`${isoDate}T12:00`, { zone: ZONE });

describe('the reference calendar used by these tests', () => {
  it('when computing Good Friday and midsummer eve, then they match the known dates', () => {
    expect(YEARS.map(goodFriday)).toEqual([
      '2025-04-18',
      '2026-04-03',
      '2027-03-26',
      '2028-04-14',
      '2029-03-30',
      '2030-04-19',
    ]);
    expect(YEARS.map(midsummerEve)).toEqual([
      '2025-06-20',
      '2026-06-19',
      '2027-06-25',
      '2028-06-23',
      '2029-06-22',
      '2030-06-21',
    ]);
    // Known Easter Sundays from almanacs, to check the computus itself.
    expect(['2000', '2019', '2024', '2038'].map((y) => easterSunday(Number(y)))).toEqual([
      '2000-04-23',
      '2019-04-21',
      '2024-03-31',
      '2038-04-25',
    ]);
  });
});

describe('isWorkingDay', () => {
  it.each(YEARS)('when checking every day of %d, then it agrees with the reference', (year) => {
    const mismatches: string[] = [];
    for (let day = `${year}-01-01`; day.startsWith(String(year)); day = plusDays(day, 1)) {
      if (isWorkingDay(noonOn(day)) !== referenceIsWorkingDay(day)) mismatches.push(day);
    }
    expect(mismatches).toEqual([]);
  });

  it.each(YEARS)('when it is a named holiday in %d, then it is not a working day', (year) => {
    const holidays = {
      goodFriday: goodFriday(year),
      easterMonday: easterMonday(year),
      ascensionDay: ascensionDay(year),
      nationalDay: `${year}-06-06`,
      midsummerEve: midsummerEve(year),
      christmasEve: `${year}-12-24`,
      christmasDay: `${year}-12-25`,
      boxingDay: `${year}-12-26`,
      newYearsEve: `${year}-12-31`,
      newYearsDay: `${year}-01-01`,
      epiphany: `${year}-01-06`,
      mayDay: `${year}-05-01`,
    };
    for (const [name, day] of Object.entries(holidays)) {
      expect({ name, day, working: isWorkingDay(noonOn(day)) }).toEqual({
        name,
        day,
        working: false,
      });
    }
  });

  it.each(YEARS)(
    'when it is an eve or day that is not a holiday in %d, then it is a working day on weekdays',
    (year) => {
      const easter = easterSunday(year);
      const ordinaryDays = {
        maundyThursday: plusDays(easter, -3),
        easterTuesday: plusDays(easter, 2),
        dayAfterAscension: plusDays(easter, 40),
        whitMonday: plusDays(easter, 50), // not a public holiday since 2005
        trettondagsafton: `${year}-01-05`,
        valborgsmassoafton: `${year}-04-30`,
        dayBeforeMidsummerEve: plusDays(midsummerEve(year), -1),
        dayBeforeChristmasEve: `${year}-12-23`,
        allhelgonaafton: plusDays(firstWeekdayFrom(`${year}-10-31`, 6), -1),
      };
      for (const [name, day] of Object.entries(ordinaryDays)) {
        const weekday = weekdayOf(day) !== 0 && weekdayOf(day) !== 6;
        expect({ name, day, working: isWorkingDay(noonOn(day)) }).toEqual({
          name,
          day,
          working: weekday,
        });
      }
    },
  );

  it('when counting working days in 2025, then there are 249', () => {
    let count = 0;
    for (let day = '2025-01-01'; day < '2026-01-01'; day = plusDays(day, 1)) {
      if (isWorkingDay(noonOn(day))) count += 1;
    }
    expect(count).toBe(249);
  });

  it('when an instant is just after midnight in Stockholm but still the day before in UTC, then the Stockholm day counts', () => {
    expect(isWorkingDay(new Date('2026-12-23T22:30:00Z'))).toBe(true); // 23 Dec 23:30
    expect(isWorkingDay(new Date('2026-12-23T23:30:00Z'))).toBe(false); // 24 Dec 00:30
    expect(isWorkingDay(new Date('2026-06-18T21:59:00Z'))).toBe(true); // 18 Jun 23:59 CEST
    expect(isWorkingDay(new Date('2026-06-18T22:00:00Z'))).toBe(false); // midsummer eve 00:00
  });

  it('when given a DateTime in another zone, then the Stockholm calendar day is used', () => {
    const newYork = DateTime.fromISO('2026-12-23T19:00', { zone: 'America/New_York' });
    expect(isWorkingDay(newYork)).toBe(false); // 24 Dec 01:00 in Stockholm
  });

  it('when any instant is checked, then it agrees with the reference on the Stockholm date', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2030, 11, 31, 22) }),
        (ms) => {
          const stockholmDate = DateTime.fromMillis(ms, { zone: ZONE }).toISODate() as string;
          expect(isWorkingDay(new Date(ms))).toBe(referenceIsWorkingDay(stockholmDate));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('addWorkingDays', () => {
  it('when adding over Easter, then Good Friday and Easter Monday are skipped', () => {
    const maundyThursday = atStockholm('2026-04-02T10:15');
    expect(addWorkingDays(maundyThursday, 1)).toEqual(atStockholm('2026-04-07T10:15'));
    expect(addWorkingDays(atStockholm('2026-04-07T10:15'), -1)).toEqual(maundyThursday);
  });

  it('when adding over Christmas and New Year, then all days off are skipped', () => {
    expect(addWorkingDays(atStockholm('2026-12-23T09:00'), 1)).toEqual(
      atStockholm('2026-12-28T09:00'),
    );
    expect(addWorkingDays(atStockholm('2026-12-23T09:00'), 4)).toEqual(
      atStockholm('2027-01-04T09:00'),
    );
  });

  it('when adding across the spring DST change, then the Stockholm time of day is kept', () => {
    const friday = atStockholm('2026-03-27T10:00'); // CET, 09:00Z
    const monday = addWorkingDays(friday, 1);
    expect(monday.toISOString()).toBe('2026-03-30T08:00:00.000Z'); // CEST
  });

  it('when the time of day does not exist on the DST Sunday, then it is still kept on Monday', () => {
    const friday = atStockholm('2026-03-27T02:30');
    expect(addWorkingDays(friday, 1)).toEqual(atStockholm('2026-03-30T02:30'));
  });

  it('when adding across the autumn DST change, then the Stockholm time of day is kept', () => {
    const friday = atStockholm('2026-10-23T14:00'); // CEST, 12:00Z
    expect(addWorkingDays(friday, 1).toISOString()).toBe('2026-10-26T13:00:00.000Z'); // CET
  });

  it('when adding zero days, then the instant is unchanged', () => {
    const saturday = atStockholm('2026-03-28T11:00');
    expect(addWorkingDays(saturday, 0)).toEqual(saturday);
  });

  it('when the number of days is not whole, then it throws', () => {
    expect(() => addWorkingDays(new Date(), 1.5)).toThrow(RangeError);
  });

  it('when adding n working days, then the result is a working day with n working days since the start', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2030, 5, 1) }),
        fc.integer({ min: 1, max: 40 }),
        (ms, n) => {
          const from = new Date(ms);
          const result = addWorkingDays(from, n);
          expect(isWorkingDay(result)).toBe(true);
          const startDate = DateTime.fromJSDate(from, { zone: ZONE }).toISODate() as string;
          const endDate = DateTime.fromJSDate(result, { zone: ZONE }).toISODate() as string;
          let count = 0;
          for (let day = plusDays(startDate, 1); day <= endDate; day = plusDays(day, 1)) {
            if (referenceIsWorkingDay(day)) count += 1;
          }
          expect(count).toBe(n);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('nextOfficeTime', () => {
  it('when inside office hours on a working day, then it is the same instant', () => {
    const at = atStockholm('2026-03-03T13:37:12.345');
    expect(nextOfficeTime(at)).toEqual(at);
    expect(nextOfficeTime(atStockholm('2026-03-03T09:00'))).toEqual(
      atStockholm('2026-03-03T09:00'),
    );
  });

  it('when before opening on a working day, then it is opening time that day', () => {
    expect(nextOfficeTime(atStockholm('2026-03-03T06:00'))).toEqual(
      atStockholm('2026-03-03T09:00'),
    );
  });

  it('when at or after closing time, then it is the next working day at opening', () => {
    expect(nextOfficeTime(atStockholm('2026-03-03T16:00'))).toEqual(
      atStockholm('2026-03-04T09:00'),
    );
    expect(nextOfficeTime(atStockholm('2026-06-18T17:00'))).toEqual(
      atStockholm('2026-06-22T09:00'),
    );
  });

  it('when on the DST weekend, then Monday opening is in summer time', () => {
    expect(nextOfficeTime(atStockholm('2026-03-28T12:00')).toISOString()).toBe(
      '2026-03-30T07:00:00.000Z',
    );
    expect(nextOfficeTime(atStockholm('2026-10-24T12:00')).toISOString()).toBe(
      '2026-10-26T08:00:00.000Z',
    );
  });

  it('when custom office hours are given, then they are used', () => {
    const hours = { start: '08:30', end: '17:00' };
    expect(nextOfficeTime(atStockholm('2026-03-03T16:30'), hours)).toEqual(
      atStockholm('2026-03-03T16:30'),
    );
    expect(nextOfficeTime(atStockholm('2026-03-03T07:00'), hours)).toEqual(
      atStockholm('2026-03-03T08:30'),
    );
  });

  it('when office hours are malformed or end before they start, then it throws', () => {
    expect(() => nextOfficeTime(new Date(), { start: '9', end: '16:00' })).toThrow(RangeError);
    expect(() => nextOfficeTime(new Date(), { start: '16:00', end: '09:00' })).toThrow(RangeError);
    expect(() => nextOfficeTime(new Date(), { start: '09:00', end: '25:00' })).toThrow(RangeError);
  });

  it('when any instant is given, then the result is a later-or-equal office time with no office hours in between', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2030, 11, 20) }), (ms) => {
        const from = new Date(ms);
        const next = nextOfficeTime(from);
        const local = DateTime.fromJSDate(next, { zone: ZONE });
        expect(next.getTime()).toBeGreaterThanOrEqual(ms);
        expect(isWorkingDay(next)).toBe(true);
        expect(local.hour).toBeGreaterThanOrEqual(9);
        expect(local.hour).toBeLessThan(16);
        expect(workingHoursBetween(from, next)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('workingHoursBetween', () => {
  it('when both instants are within one office day, then it is the plain difference', () => {
    expect(
      workingHoursBetween(atStockholm('2026-03-03T09:30'), atStockholm('2026-03-03T12:00')),
    ).toBe(2.5);
  });

  it('when spanning a weekend and nights, then only office hours count', () => {
    expect(
      workingHoursBetween(atStockholm('2026-03-06T15:00'), atStockholm('2026-03-09T10:00')),
    ).toBe(2);
    expect(
      workingHoursBetween(atStockholm('2026-03-02T00:00'), atStockholm('2026-03-09T00:00')),
    ).toBe(35);
  });

  it('when spanning the autumn DST change, then it counts office hours, not clock hours', () => {
    expect(
      workingHoursBetween(atStockholm('2026-10-23T15:00'), atStockholm('2026-10-26T10:00')),
    ).toBe(2);
  });

  it('when spanning Christmas, then the days off are not counted', () => {
    expect(
      workingHoursBetween(atStockholm('2026-12-23T09:00'), atStockholm('2026-12-29T09:00')),
    ).toBe(14);
  });

  it('when b is before a, then the result is negative', () => {
    expect(
      workingHoursBetween(atStockholm('2026-03-03T12:00'), atStockholm('2026-03-03T09:30')),
    ).toBe(-2.5);
  });
});

describe('addWorkingHours', () => {
  it('when the hours fit in the current day, then it is the plain sum', () => {
    expect(addWorkingHours(atStockholm('2026-03-03T10:00'), 3.5)).toEqual(
      atStockholm('2026-03-03T13:30'),
    );
  });

  it('when the hours run over closing time, then the rest is taken from the next working day', () => {
    expect(addWorkingHours(atStockholm('2026-03-06T15:00'), 8)).toEqual(
      atStockholm('2026-03-09T16:00'),
    );
    expect(addWorkingHours(atStockholm('2026-03-06T15:00'), 8.5)).toEqual(
      atStockholm('2026-03-10T09:30'),
    );
  });

  it('when starting outside office hours, then counting starts at the next opening', () => {
    expect(addWorkingHours(atStockholm('2026-04-02T20:00'), 1)).toEqual(
      atStockholm('2026-04-07T10:00'),
    );
  });

  it('when spanning the autumn DST change, then the result is in winter time', () => {
    expect(addWorkingHours(atStockholm('2026-10-23T15:00'), 2).toISOString()).toBe(
      '2026-10-26T09:00:00.000Z',
    );
  });

  it('when the number of hours is negative or not finite, then it throws', () => {
    expect(() => addWorkingHours(new Date(), -1)).toThrow(RangeError);
    expect(() => addWorkingHours(new Date(), Number.NaN)).toThrow(RangeError);
  });

  it('when h hours are added, then exactly h office hours lie between start and result', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2030, 5, 1) }),
        fc.integer({ min: 0, max: 200 * 60 }),
        fc.constantFrom({ start: '09:00', end: '16:00' }, { start: '07:45', end: '18:10' }),
        (ms, minutes, hours) => {
          const from = new Date(ms);
          const result = addWorkingHours(from, minutes / 60, hours);
          expect(workingHoursBetween(from, result, hours)).toBeCloseTo(minutes / 60, 9);
          expect(result.getTime()).toBeGreaterThanOrEqual(ms);
        },
      ),
      { numRuns: 300 },
    );
  });
});
