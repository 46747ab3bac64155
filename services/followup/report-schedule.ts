import { DateTime } from 'luxon';
import { STOCKHOLM_ZONE } from '../shared/dates';
import { ProjectDoc, ReportDue, ReportEvery } from './project';

/** Months that end a reporting period, per schedule. */
const PERIOD_END_MONTHS: Record<ReportEvery, number[]> = {
  monthly: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  quarterly: [3, 6, 9, 12],
  tertial: [4, 8, 12],
  halfyearly: [6, 12],
  yearly: [12],
};

function periodLabel(every: ReportEvery, year: number, month: number): string {
  switch (every) {
    case 'monthly':
      return `${year}-${String(month).padStart(2, '0')}`;
    case 'quarterly':
      return `${year}-Q${month / 3}`;
    case 'tertial':
      return `${year}-T${month / 4}`;
    case 'halfyearly':
      return `${year}-H${month / 6}`;
    case 'yearly':
      return `${year}`;
  }
}

/** The same calendar day a year later (29 February becomes 28 February). */
export function oneYearAfter(isoDate: string): string {
  return DateTime.fromISO(isoDate, { zone: 'utc' }).plus({ years: 1 }).toISODate() as string;
}

/**
 * Every report a project owes, in due order: a status report at the end of each calendar
 * period that ends on or after the start date and before the end date, the final report at
 * the end date, and the benefit-realisation follow-up one year after the end date.
 */
export function reportSchedule(
  project: Pick<ProjectDoc, 'startDate' | 'endDate' | 'reportEvery'>,
): ReportDue[] {
  const out: ReportDue[] = [];
  const start = DateTime.fromISO(project.startDate, { zone: 'utc' });
  const end = DateTime.fromISO(project.endDate, { zone: 'utc' });
  if (!start.isValid || !end.isValid) throw new RangeError('invalid project dates');
  const months = PERIOD_END_MONTHS[project.reportEvery];
  for (let year = start.year; year <= end.year; year++) {
    for (const month of months) {
      const last = DateTime.utc(year, month, 1).endOf('month').startOf('day');
      if (last < start || last >= end) continue;
      out.push({
        period: `status-${periodLabel(project.reportEvery, year, month)}`,
        kind: 'status',
        dueDate: last.toISODate() as string,
      });
    }
  }
  out.push({ period: 'final', kind: 'final', dueDate: project.endDate });
  out.push({ period: 'benefit', kind: 'benefit', dueDate: oneYearAfter(project.endDate) });
  return out;
}

/** The Stockholm calendar date of an instant, 'YYYY-MM-DD'. */
export function stockholmDate(at: Date): string {
  return DateTime.fromJSDate(at, { zone: STOCKHOLM_ZONE }).toISODate() as string;
}

/** The instant a Stockholm calendar day starts at a wall-clock time ('09:00'). */
export function stockholmAt(isoDate: string, hhmm = '00:00'): Date {
  const [h, m] = hhmm.split(':').map(Number);
  return DateTime.fromISO(isoDate, { zone: STOCKHOLM_ZONE }).set({ hour: h, minute: m }).toJSDate();
}
