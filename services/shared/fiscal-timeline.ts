/** A project's timeline as the budget-year rule reads it (ISO dates, "is a stage of a longer project"). */
export interface Timeline {
  startDate?: string;
  endDate?: string;
  isStage?: boolean;
}

const yearOf = (iso: string | undefined): number | null => {
  const m = /^(\d{4})-\d{2}-\d{2}$/.exec(iso ?? '');
  return m ? Number(m[1]) : null;
};

/**
 * The one budget-year rule (seed 000: money is granted per fiscal year): a project fits a year when
 * it starts and ends in it, or when it is marked as a stage and the year lies within it. The
 * wizard warns and allocation blocks on exactly this.
 */
export function fitsFiscalYear(timeline: Timeline, year: number): boolean {
  const start = yearOf(timeline.startDate);
  const end = yearOf(timeline.endDate);
  if (start === null || end === null) return false;
  if (start === year && end === year) return true;
  return timeline.isStage === true && start <= year && year <= end;
}

/** The fiscal year a project applies for: the year it starts; null without a valid start date. */
export function applyingYear(timeline: Timeline): number | null {
  return yearOf(timeline.startDate);
}
