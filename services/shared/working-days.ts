import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { STOCKHOLM_ZONE } from './dates';

/** Office hours as 'HH:mm' wall-clock times in Stockholm; end is exclusive. */
export interface OfficeHours {
  start: string;
  end: string;
}

/** Default office hours for reminders and deadlines counted in working hours. */
export const DEFAULT_OFFICE_HOURS: OfficeHours = { start: '09:00', end: '16:00' };

const MS_PER_HOUR = 3_600_000;
const HOURS_PATTERN = /^([01]?\d|2[0-3]):([0-5]\d)$/;

let holidayCalendar: Holidays | undefined;
const closedDaysByYear = new Map<number, ReadonlySet<string>>();
const parsedHours = new Map<string, { start: number; end: number }>();

/**
 * Days off besides weekends: Swedish public holidays (date-holidays type 'public') plus the three
 * eves that are de facto days off, midsummer eve, Christmas eve and New Year's eve (date-holidays
 * types them 'bank'; we compute them here so a reclassification cannot silently drop them).
 * Cached per year: reminders call this thousands of times.
 */
function closedDays(year: number): ReadonlySet<string> {
  const cached = closedDaysByYear.get(year);
  if (cached) return cached;
  holidayCalendar ??= new Holidays('SE', { timezone: STOCKHOLM_ZONE });
  const days = new Set<string>();
  for (const holiday of holidayCalendar.getHolidays(year)) {
    if (holiday.type === 'public') days.add(holiday.date.slice(0, 10));
  }
  days.add(`${year}-12-24`);
  days.add(`${year}-12-31`);
  days.add(midsummerEve(year));
  closedDaysByYear.set(year, days);
  return days;
}

/** Midsummer eve: the Friday between 19 and 25 June. */
function midsummerEve(year: number): string {
  const june19 = DateTime.utc(year, 6, 19);
  return june19.plus({ days: (5 - june19.weekday + 7) % 7 }).toISODate() as string;
}

const MS_PER_DAY = 86_400_000;
const MAX_CACHED_DAYS = 50_000;

/** One Stockholm calendar day, identified by its day number (days since 1970-01-01). */
interface DayInfo {
  midnightMs: number;
  working: boolean;
  year: number;
  month: number;
  day: number;
  /** Office window [start, end) in epoch ms, per office-hours key. */
  windows: Map<string, [number, number]>;
}

const dayCache = new Map<number, DayInfo>();

// All luxon work happens once per calendar day and is memoised: luxon's time-zone maths costs
// tens of microseconds per call, too slow for thousands of reminders spanning weeks.
function dayInfo(dayNumber: number): DayInfo {
  const cached = dayCache.get(dayNumber);
  if (cached) return cached;
  if (dayCache.size >= MAX_CACHED_DAYS) dayCache.clear();
  const utc = new Date(dayNumber * MS_PER_DAY);
  const [year, month, day] = [utc.getUTCFullYear(), utc.getUTCMonth() + 1, utc.getUTCDate()];
  const weekday = utc.getUTCDay(); // 0 = Sunday, 6 = Saturday
  const info: DayInfo = {
    midnightMs: DateTime.fromObject({ year, month, day }, { zone: STOCKHOLM_ZONE }).toMillis(),
    working:
      weekday !== 0 && weekday !== 6 && !closedDays(year).has(utc.toISOString().slice(0, 10)),
    year,
    month,
    day,
    windows: new Map(),
  };
  dayCache.set(dayNumber, info);
  return info;
}

/** The Stockholm calendar day an instant falls on (UTC offset is +1 or +2 hours). */
function dayNumberOf(ms: number): number {
  if (!Number.isFinite(ms)) throw new RangeError('Invalid date');
  const guess = Math.floor((ms + 3_600_000) / MS_PER_DAY);
  if (ms < dayInfo(guess).midnightMs) return guess - 1;
  if (ms >= dayInfo(guess + 1).midnightMs) return guess + 1;
  return guess;
}

function officeWindow(dayNumber: number, hours: OfficeHours): [number, number] {
  const info = dayInfo(dayNumber);
  const key = `${hours.start}-${hours.end}`;
  const cached = info.windows.get(key);
  if (cached) return cached;
  const office = officeMinutes(hours);
  const at = (minutes: number): number =>
    DateTime.fromObject(
      {
        year: info.year,
        month: info.month,
        day: info.day,
        hour: Math.floor(minutes / 60),
        minute: minutes % 60,
      },
      { zone: STOCKHOLM_ZONE },
    ).toMillis();
  const window: [number, number] = [at(office.start), at(office.end)];
  info.windows.set(key, window);
  return window;
}

function nextWorkingDay(dayNumber: number): number {
  let next = dayNumber + 1;
  while (!dayInfo(next).working) next += 1;
  return next;
}

function officeMinutes(hours: OfficeHours): { start: number; end: number } {
  const key = `${hours.start}-${hours.end}`;
  const cached = parsedHours.get(key);
  if (cached) return cached;
  const toMinutes = (value: string): number => {
    const match = HOURS_PATTERN.exec(value);
    if (!match) throw new RangeError(`Invalid office hour: ${value}`);
    return Number(match[1]) * 60 + Number(match[2]);
  };
  const parsed = { start: toMinutes(hours.start), end: toMinutes(hours.end) };
  if (parsed.start >= parsed.end)
    throw new RangeError(`Office hours end before they start: ${key}`);
  parsedHours.set(key, parsed);
  return parsed;
}

function millisOf(date: DateTime | Date): number {
  return date instanceof Date ? date.getTime() : date.toMillis();
}

/** Whether an instant falls on a Swedish working day (Stockholm calendar), for reminder timing. */
export function isWorkingDay(date: DateTime | Date): boolean {
  return dayInfo(dayNumberOf(millisOf(date))).working;
}

/**
 * Moves n working days forward (or back, if negative) keeping the Stockholm time of day, for
 * deadlines such as "complete within 10 working days".
 */
export function addWorkingDays(from: Date, n: number): Date {
  if (!Number.isInteger(n)) throw new RangeError(`Not a whole number of days: ${n}`);
  const startDay = dayNumberOf(from.getTime());
  const step = n < 0 ? -1 : 1;
  let offset = 0;
  for (let left = Math.abs(n); left > 0;) {
    offset += step;
    if (dayInfo(startDay + offset).working) left -= 1;
  }
  return DateTime.fromJSDate(from, { zone: STOCKHOLM_ZONE }).plus({ days: offset }).toJSDate();
}

/**
 * The earliest moment at or after `from` inside office hours on a working day, so reminders are
 * never sent at night, at weekends or on holidays.
 */
export function nextOfficeTime(from: Date, hours: OfficeHours = DEFAULT_OFFICE_HOURS): Date {
  const ms = from.getTime();
  const day = dayNumberOf(ms);
  if (dayInfo(day).working) {
    const [start, end] = officeWindow(day, hours);
    if (ms < start) return new Date(start);
    if (ms < end) return new Date(ms);
  }
  return new Date(officeWindow(nextWorkingDay(day), hours)[0]);
}

/**
 * Office hours elapsed between two instants (fractional; negative if b is before a), for
 * escalations such as "unanswered for 8 working hours".
 */
export function workingHoursBetween(
  a: Date,
  b: Date,
  hours: OfficeHours = DEFAULT_OFFICE_HOURS,
): number {
  const startMs = a.getTime();
  const endMs = b.getTime();
  if (endMs < startMs) return -workingHoursBetween(b, a, hours);
  const lastDay = dayNumberOf(endMs);
  let elapsed = 0;
  for (let day = dayNumberOf(startMs); day <= lastDay; day += 1) {
    if (!dayInfo(day).working) continue;
    const [open, close] = officeWindow(day, hours);
    const overlap = Math.min(close, endMs) - Math.max(open, startMs);
    if (overlap > 0) elapsed += overlap;
  }
  return elapsed / MS_PER_HOUR;
}

/**
 * The instant when `h` office hours have passed after `from` (counting starts at the next office
 * time), for deadlines in working hours. A deadline that uses up a day ends at closing time.
 */
export function addWorkingHours(
  from: Date,
  h: number,
  hours: OfficeHours = DEFAULT_OFFICE_HOURS,
): Date {
  if (!Number.isFinite(h) || h < 0) throw new RangeError(`Invalid number of hours: ${h}`);
  let remaining = Math.round(h * MS_PER_HOUR);
  let cursor = nextOfficeTime(from, hours).getTime();
  let day = dayNumberOf(cursor);
  for (;;) {
    const available = officeWindow(day, hours)[1] - cursor;
    if (remaining <= available) return new Date(cursor + remaining);
    remaining -= available;
    day = nextWorkingDay(day);
    cursor = officeWindow(day, hours)[0];
  }
}
