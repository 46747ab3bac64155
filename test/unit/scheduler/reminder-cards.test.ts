import { periodLabel } from '../../../cards/followup-cards';
import { digestCard, reminderText } from '../../../cards/reminder-cards';
import { cardBytes, MAX_CARD_BYTES } from '../../../cards/render';
import { DigestItem } from '../../../services/reminders/reminder';
import { REMINDER_KINDS } from '../../../services/reminders/reminder-settings';

const PARAMS = {
  title: 'Förskoleplats *snabbt*',
  regNo: 'PK 2027/0001',
  since: '2027-03-01',
  deadline: '2027-03-12',
  dueDate: '2027-03-31',
  count: 2,
  names: 'Eva Ek, David Dahl',
  period: 'status-2027-Q1',
  portfolioSv: 'Innovation',
  portfolioEn: 'Innovation',
  state: 'pending',
  stage: 2,
};

describe('reminder texts and the digest card', () => {
  it('when any kind of reminder is rendered in Swedish or English, then every placeholder is filled and user text is escaped', () => {
    for (const locale of ['sv', 'en'] as const) {
      for (const kind of REMINDER_KINDS) {
        const text = reminderText({ kind, params: PARAMS }, locale);
        expect(text).not.toMatch(/\{\w+\}/);
        expect(text.length).toBeGreaterThan(10);
      }
    }
    expect(reminderText({ kind: 'draftIdle', params: PARAMS }, 'sv')).toContain(
      'Förskoleplats \\*snabbt\\*',
    );
    expect(reminderText({ kind: 'statusReport', params: PARAMS }, 'en')).toContain(
      'quarter 1 2027',
    );
    expect(reminderText({ kind: 'statusReport', params: PARAMS }, 'sv')).toContain(
      '(påminnelse 2)',
    );
    expect(reminderText({ kind: 'draftIdle', params: { title: '' } }, 'sv')).toContain(
      '(utan namn)',
    );
  });

  it('when periods are named, then each schedule reads naturally', () => {
    expect(periodLabel('status-2027-03', 'sv')).toBe('mars 2027');
    expect(periodLabel('status-2027-T2', 'en')).toBe('tertial 2 2027');
    expect(periodLabel('status-2027-H1', 'sv')).toBe('halvår 1 2027');
    expect(periodLabel('status-2027', 'en')).toBe('year 2027');
    expect(periodLabel('benefit', 'sv')).toBe('uppföljning ett år efter projektets slut');
  });

  it('when a digest holds many items, then the card stays well under the size Teams accepts and offers snooze and opt-out', () => {
    const items: DigestItem[] = Array.from({ length: 60 }, (_, i) => ({
      key: `k${i}`,
      kind: i % 2 === 0 ? 'draftIdle' : 'statusReport',
      dueAt: '2027-03-31T07:00:00.000Z',
      params: { ...PARAMS, title: 'x'.repeat(200) },
      action: { verb: 'application.continue', data: { appId: `a${i}` } },
      mandatory: i % 2 === 1,
    }));
    const card = digestCard({ digestId: 'digest:x:2027-03-31', day: '2027-03-31', items }, 'sv');
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
    const json = JSON.stringify(card);
    expect(json).toContain('Påminn mig på måndag');
    expect(json).toContain('Stäng av påminnelser');
    expect(json).toContain('obligatoriska');
    expect(json).toContain('… och 20 till.');
    const onlyMandatory = JSON.stringify(
      digestCard({ digestId: 'd', day: 'd', items: items.filter((i) => i.mandatory) }, 'en'),
    );
    expect(onlyMandatory).not.toContain('Switch reminders off');
    expect(onlyMandatory).toContain('Remind me on Monday');
  });
});
