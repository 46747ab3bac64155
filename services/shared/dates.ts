import { DateTime } from 'luxon';
import { fail, ok, type ParseResult } from './parse-result';

/** Why a date typed by a user was refused; string tables translate these codes. */
export type DateError = 'empty' | 'invalid';

/** The municipality's time zone: calendar dates and fiscal years are reckoned here. */
export const STOCKHOLM_ZONE = 'Europe/Stockholm';

// Swedish and English month names and their usual abbreviations.
// prettier-ignore
const MONTH_NAMES: Record<string, number> = {
  januari: 1, january: 1, jan: 1,
  februari: 2, february: 2, feb: 2,
  mars: 3, march: 3, mar: 3,
  april: 4, apr: 4,
  maj: 5, may: 5,
  juni: 6, june: 6, jun: 6,
  juli: 7, july: 7, jul: 7,
  augusti: 8, august: 8, aug: 8,
  september: 9, sep: 9, sept: 9,
  oktober: 10, october: 10, okt: 10, oct: 10,
  november: 11, nov: 11,
  december: 12, dec: 12,
};

const MONTHS = new Map(Object.entries(MONTH_NAMES));

type DateParts = [year: number, month: number | undefined, day: number];

// Each accepted shape with how to read year, month and day from its groups.
const DATE_SHAPES: ReadonlyArray<[RegExp, (m: RegExpExecArray) => DateParts]> = [
  [/^(\d{4})-(\d{1,2})-(\d{1,2})$/, (m) => [Number(m[1]), Number(m[2]), Number(m[3])]],
  [/^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/, (m) => [Number(m[3]), Number(m[2]), Number(m[1])]],
  [
    /^(\d{1,2})(?:\.|st|nd|rd|th)? ([a-z]+)\.?,? (\d{4})$/,
    (m) => [Number(m[3]), MONTHS.get(m[2]), Number(m[1])],
  ],
  [
    /^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/,
    (m) => [Number(m[3]), MONTHS.get(m[1]), Number(m[2])],
  ],
];

/**
 * Parses a date from an Adaptive Card Input.Date ('2027-03-01') or typed text ('2027-3-1',
 * '1/3/2027' day first as in Sweden, '1 mars 2027', '1 March 2027') into an ISO date
 * 'YYYY-MM-DD', refusing dates that do not exist such as 2027-02-30.
 */
export function parseDate(input: string): ParseResult<string, DateError> {
  if (typeof input !== 'string') return fail('invalid');
  const text = input.replace(/\s+/g, ' ').trim().toLowerCase();
  if (text === '') return fail('empty');

  const parts = DATE_SHAPES.map(([pattern, read]) => {
    const match = pattern.exec(text);
    return match ? read(match) : undefined;
  }).find((found) => found !== undefined);
  if (!parts || parts[1] === undefined) return fail('invalid');

  const [year, month, day] = parts;
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1) return fail('invalid');
  // Plain calendar arithmetic: a date is valid when the UTC calendar keeps its day and month.
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return fail('invalid');
  return ok(
    `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
  );
}

/**
 * The fiscal year a date belongs to; in Swedish municipalities it is the calendar year. An
 * instant (Date) is placed on the Stockholm calendar first.
 */
export function fiscalYearOf(isoDate: string | Date): number {
  if (isoDate instanceof Date) {
    const instant = DateTime.fromJSDate(isoDate, { zone: STOCKHOLM_ZONE });
    if (!instant.isValid) throw new RangeError('Invalid date');
    return instant.year;
  }
  const date = DateTime.fromISO(isoDate, { zone: STOCKHOLM_ZONE });
  if (!date.isValid) throw new RangeError(`Invalid ISO date: ${isoDate}`);
  return date.year;
}

/**
 * The Stockholm calendar date (YYYY-MM-DD) of an instant stored as ISO-8601 UTC, as people in
 * the municipality read it: between midnight and 01:00/02:00 Stockholm time the UTC date is still
 * yesterday's. A date alone is returned as it is; an empty or unreadable value as its first ten
 * characters.
 */
export function stockholmDay(iso: string | undefined | null): string {
  if (!iso) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  // An instant in UTC has the Stockholm date of its whole UTC hour (the zone's offsets are whole
  // hours and it changes them on the hour), so each hour is worked out once: a card lists many
  // dates, and the zone arithmetic costs tens of microseconds a call.
  const hour = UTC_INSTANT.test(iso) ? iso.slice(0, 13) : null;
  const known = hour ? dayOfUtcHour.get(hour) : undefined;
  if (known) return known;
  const instant = DateTime.fromISO(hour ? `${hour}:00:00Z` : iso, { zone: STOCKHOLM_ZONE });
  const day = instant.isValid ? (instant.toISODate() as string) : iso.slice(0, 10);
  if (hour && instant.isValid) {
    if (dayOfUtcHour.size >= DAY_OF_UTC_HOUR_MAX) dayOfUtcHour.clear();
    dayOfUtcHour.set(hour, day);
  }
  return day;
}

/** `YYYY-MM-DDTHH:MM[:SS[.fff]]Z`, as the store keeps instants. */
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z$/;
const DAY_OF_UTC_HOUR_MAX = 10_000;
const dayOfUtcHour = new Map<string, string>();
