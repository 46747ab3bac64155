import { ConfigError, loadConfig } from '../../../services/config/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('accepted');
}

describe('COACH_SLA_HOURS', () => {
  it('when unset, then coaching questions are reminded after 8 working hours', () => {
    expect(loadConfig({ LOCAL_MODE: 'true' }).coachSlaHours).toBe(8);
  });

  it('when set to a number (decimal point or comma), then that is the SLA', () => {
    expect(loadConfig({ LOCAL_MODE: 'true', COACH_SLA_HOURS: '16' }).coachSlaHours).toBe(16);
    expect(loadConfig({ LOCAL_MODE: 'true', COACH_SLA_HOURS: '4,5' }).coachSlaHours).toBe(4.5);
  });

  it('when it is not a number or out of range, then start-up names the variable and what to write', () => {
    expect(problemsOf({ LOCAL_MODE: 'true', COACH_SLA_HOURS: 'åtta' })).toEqual([
      'COACH_SLA_HOURS: must be a number of working hours, e.g. 8 (counted in OFFICE_HOURS on Swedish working days)',
    ]);
    expect(problemsOf({ LOCAL_MODE: 'true', COACH_SLA_HOURS: '0' })).toEqual([
      'COACH_SLA_HOURS: must be between 0.5 and 200 working hours',
    ]);
    expect(problemsOf({ LOCAL_MODE: 'true', COACH_SLA_HOURS: '500' })[0]).toMatch(
      /^COACH_SLA_HOURS:/,
    );
    expect(problemsOf({ LOCAL_MODE: 'true', COACH_SLA_HOURS: '-3' })[0]).toMatch(
      /^COACH_SLA_HOURS:/,
    );
  });
});
