import { oneYearAfter, reportSchedule } from '../../../services/followup/report-schedule';
import { readReminderSettings } from '../../../services/reminders/reminder-settings';
import { snoozeEnd } from '../../../services/reminders/reminder-prefs';
import { DEFAULT_OFFICE_HOURS } from '../../../services/shared/working-days';
import { at } from './scheduler-kit';

describe('the report schedule of a funded project', () => {
  it('when reporting quarterly, then a status report is due at each quarter end inside the project, then the final and the one-year follow-up', () => {
    expect(
      reportSchedule({ startDate: '2027-02-01', endDate: '2027-11-30', reportEvery: 'quarterly' }),
    ).toEqual([
      { period: 'status-2027-Q1', kind: 'status', dueDate: '2027-03-31' },
      { period: 'status-2027-Q2', kind: 'status', dueDate: '2027-06-30' },
      { period: 'status-2027-Q3', kind: 'status', dueDate: '2027-09-30' },
      { period: 'final', kind: 'final', dueDate: '2027-11-30' },
      { period: 'benefit', kind: 'benefit', dueDate: '2028-11-30' },
    ]);
  });

  it('when a period ends on the end date, then the final report replaces that status report', () => {
    const s = reportSchedule({
      startDate: '2027-01-15',
      endDate: '2027-06-30',
      reportEvery: 'halfyearly',
    });
    expect(s.map((r) => r.period)).toEqual(['final', 'benefit']);
    const m = reportSchedule({
      startDate: '2027-01-15',
      endDate: '2027-04-10',
      reportEvery: 'monthly',
    });
    expect(m.map((r) => `${r.period}@${r.dueDate}`)).toEqual([
      'status-2027-01@2027-01-31',
      'status-2027-02@2027-02-28',
      'status-2027-03@2027-03-31',
      'final@2027-04-10',
      'benefit@2028-04-10',
    ]);
  });

  it('when a project spans years with tertials, then periods are labelled per year', () => {
    const s = reportSchedule({
      startDate: '2027-09-01',
      endDate: '2028-06-15',
      reportEvery: 'tertial',
    });
    expect(s.filter((r) => r.kind === 'status').map((r) => r.period)).toEqual([
      'status-2027-T3',
      'status-2028-T1',
    ]);
  });

  it('when a project ends on 29 February, then the follow-up is a year later on 28 February', () => {
    expect(oneYearAfter('2028-02-29')).toBe('2029-02-28');
  });
});

describe('snooze and reminder settings', () => {
  it('when snoozing to the next working day before Easter, then the pause ends on the Tuesday after Easter Monday', () => {
    // Thursday 25 March 2027; Good Friday 26th, Easter Monday 29th.
    expect(snoozeEnd(at('2027-03-25 14:00'), 'nextWorkingDay', DEFAULT_OFFICE_HOURS)).toEqual(
      at('2027-03-30 09:00'),
    );
    expect(snoozeEnd(at('2027-03-25 14:00'), 'monday', DEFAULT_OFFICE_HOURS)).toEqual(
      at('2027-03-30 09:00'),
    );
  });

  it('when snoozing until Monday on a Monday, then it means next week', () => {
    expect(snoozeEnd(at('2027-03-01 10:00'), 'monday', DEFAULT_OFFICE_HOURS)).toEqual(
      at('2027-03-08 09:00'),
    );
    expect(snoozeEnd(at('2027-03-05 15:00'), 'nextWorkingDay', DEFAULT_OFFICE_HOURS)).toEqual(
      at('2027-03-08 09:00'),
    );
  });

  it('when someone tries to switch off the one-year benefit follow-up, then the configuration is refused', () => {
    const r = readReminderSettings(
      { REMINDERS_OFF: 'draftIdle,benefitFollowup,nonsense' },
      DEFAULT_OFFICE_HOURS,
    );
    expect(r.problems).toEqual([
      'REMINDERS_OFF: benefitFollowup is mandatory and cannot be switched off',
      expect.stringContaining('REMINDERS_OFF: "nonsense" is not a reminder kind'),
    ]);
    expect(r.value.enabled.draftIdle).toBe(false);
    expect(r.value.enabled.benefitFollowup).toBe(true);
  });

  it('when lead times and dry run are configured, then they are read and checked', () => {
    const r = readReminderSettings(
      { REMINDER_DRAFT_IDLE_DAYS: '7', REMINDERS_DRY_RUN: 'true', REMINDER_SURVEY_DATE: '09-15' },
      DEFAULT_OFFICE_HOURS,
    );
    expect(r.problems).toEqual([]);
    expect(r.value).toMatchObject({ draftIdleDays: 7, dryRun: true, surveyDate: '09-15' });
    expect(
      readReminderSettings(
        { REMINDER_SURVEY_DATE: '02-30', REMINDER_VOTE_LEAD_DAYS: 'två' },
        DEFAULT_OFFICE_HOURS,
      ).problems,
    ).toHaveLength(2);
  });
});
