import { DateTime } from 'luxon';
import { askQuestion, checkCoachText } from '../../../services/coaching/ask-question';
import { claimQuestion, resolveQuestion } from '../../../services/coaching/claim-resolve';
import { recordApplicantReply, recordCoachReply } from '../../../services/coaching/coach-messages';
import { COACH_CHANNEL, CoachQuestionDoc } from '../../../services/coaching/coach-question';
import { dueCoachReminders, runCoachSla } from '../../../services/coaching/coach-sla';
import { coachingStats } from '../../../services/coaching/coach-stats';
import { saveFaqEntry, searchFaq } from '../../../services/coaching/faq-entries';
import { createLogger } from '../../../services/logging/logger';
import { createServices, Services } from '../../../services/services';
import { Actor } from '../../../services/shared/actor';
import { DomainError } from '../../../services/shared/domain-error';
import { openTestStore } from '../../support/test-store';

const CHANNEL = '19:coach@thread.tacv2';
const anna: Actor = {
  aadObjectId: '00000000-0000-0000-0000-00000000000a',
  name: 'Anna Andersson',
  locale: 'sv',
};
const cecilia: Actor = {
  aadObjectId: '00000000-0000-0000-0000-00000000000c',
  name: 'Cecilia Carlsson',
  locale: 'sv',
};
const david: Actor = {
  aadObjectId: '00000000-0000-0000-0000-00000000000d',
  name: 'David Dahl',
  locale: 'sv',
};

const at = (iso: string): Date => DateTime.fromISO(iso, { zone: 'Europe/Stockholm' }).toJSDate();

describe('coaching use cases', () => {
  let s: Services;
  let now: Date;

  beforeEach(async () => {
    now = at('2026-11-27T14:00'); // a Friday
    s = await createServices(await openTestStore(), {
      clock: () => now,
      log: createLogger('silent'),
      admins: [],
      coaching: { slaHours: 8, officeHours: { start: '09:00', end: '16:00' } },
    });
    await s.settings.set(COACH_CHANNEL, { channelId: CHANNEL }, now);
    await s.users.setRoles(cecilia.aadObjectId, ['coach'], now);
  });

  /** Asks and pretends the outbox posted the thread (root "root-<seq>"). */
  async function askPosted(text = 'Hur räknar jag nyttan?'): Promise<CoachQuestionDoc> {
    const q = await askQuestion(s, anna, { text });
    return (await s.coaching.questions.updateIfVersion(q._id, q.version, {
      $set: {
        rootActivityId: `root-${q.seq}`,
        threadConversationId: `${CHANNEL};messageid=root-${q.seq}`,
      },
    }))!;
  }

  it('when a question is exactly at the limit it is kept whole; one character more is refused with length and limit', () => {
    expect(checkCoachText('a'.repeat(2000), 2000)).toHaveLength(2000);
    try {
      checkCoachText(` ${'b'.repeat(2001)} `, 2000);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).params).toEqual({ reason: 'too_long', max: 2000, length: 2001 });
    }
    expect(() => checkCoachText(' \n ', 2000)).toThrow(DomainError);
  });

  it('when a question is asked, then it is stored, audited and its thread card is queued for the coach channel', async () => {
    const q = await askQuestion(s, anna, { text: 'Vem äger tjänsten efteråt?' }, 'act-1');
    expect(q).toMatchObject({
      seq: 1,
      status: 'open',
      round: 1,
      channelId: CHANNEL,
      awaitingCoachSince: now.toISOString(),
    });
    const post = await s.outbox.get(`coach-thread:${q._id}`);
    expect(post?.target).toEqual({ kind: 'channel', channelId: CHANNEL });
    expect(post?.payload.card?.template).toBe('coach-thread');
    const audit = await s.audit.forEntity(q._id);
    expect(audit.map((a) => a.action)).toEqual(['coach.question_asked']);
    expect(audit[0].activityId).toBe('act-1');
  });

  it('when someone without the coach role or roster place claims or resolves, then it is refused and nothing changes', async () => {
    const q = await askPosted();
    await expect(claimQuestion(s, david, q._id)).rejects.toMatchObject({
      code: 'forbidden',
      params: { reason: 'not_coach' },
    });
    await expect(resolveQuestion(s, david, q._id)).rejects.toMatchObject({
      params: { reason: 'not_coach' },
    });
    const after = await s.coaching.questions.get(q._id);
    expect(after?.version).toBe(q.version);
    expect((await s.audit.forEntity(q._id)).map((a) => a.action)).toEqual(['coach.question_asked']);

    await s.coaching.rosters.save(CHANNEL, [david.aadObjectId.toUpperCase()], now);
    expect((await claimQuestion(s, david, q._id)).outcome).toBe('claimed');
    expect((await claimQuestion(s, cecilia, q._id)).outcome).toBe('claimedByOther');
  });

  it('when a coach answers, then the first-answer time is recorded in office hours and the SLA clock stops', async () => {
    const q = await askPosted();
    now = at('2026-11-30T10:30'); // Monday: 2 h on Friday + 1.5 h
    const { question, relayed } = await recordCoachReply(
      s,
      cecilia,
      q._id,
      { text: 'Räkna timmar.' },
      'reply-1',
    );
    expect(relayed).toBe(true);
    expect(question).toMatchObject({
      status: 'answered',
      firstAnswerWorkingHours: 3.5,
      firstAnswerByName: 'Cecilia Carlsson',
    });
    expect(question.awaitingCoachSince).toBeUndefined();
    expect(question.firstAnswerMs).toBe(now.getTime() - at('2026-11-27T14:00').getTime());
    const stats = await coachingStats(s);
    expect(stats).toMatchObject({
      asked: 1,
      answered: 1,
      waiting: 0,
      medianFirstAnswerHours: 3.5,
      p90FirstAnswerHours: 3.5,
    });
    expect(stats.byPortfolio.none).toEqual({ asked: 1, medianFirstAnswerHours: 3.5 });
    expect((await coachingStats(s, { from: at('2026-11-28T00:00') })).asked).toBe(0);
    // A redelivered reply is not stored or relayed twice.
    expect(
      (await recordCoachReply(s, cecilia, q._id, { text: 'Räkna timmar.' }, 'reply-1')).relayed,
    ).toBe(false);
    expect((await s.coaching.questions.get(q._id))?.messages).toHaveLength(1);
  });

  it('when a question waits 8 office hours over a weekend, then exactly one reminder is due, on Monday at 15:00', async () => {
    const q = await askPosted();
    expect(await dueCoachReminders(s, at('2026-11-30T14:59'))).toEqual([]);
    const due = await dueCoachReminders(s, at('2026-11-30T15:00'));
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({
      id: `coach-sla:${q._id}:1`,
      target: { kind: 'channel', channelId: CHANNEL, threadId: 'root-1' },
    });

    expect(await runCoachSla(s, at('2026-11-30T15:00'))).toEqual({ reminders: 1, unreachable: 0 });
    expect(await runCoachSla(s, at('2026-11-30T15:30'))).toEqual({ reminders: 0, unreachable: 0 });
    expect(await s.outbox.get(`coach-sla:${q._id}:1`)).not.toBeNull();
  });

  it('when the wait spans Christmas, then the closed days do not count', async () => {
    now = at('2026-12-23T15:00');
    await askPosted();
    expect(await dueCoachReminders(s, at('2026-12-28T15:59'))).toEqual([]);
    expect(await dueCoachReminders(s, at('2026-12-28T16:00'))).toHaveLength(1);
  });

  it('when the thread is not known yet, the question is answered, or SLA hours are configured, then reminders follow', async () => {
    const q = await askQuestion(s, anna, { text: 'Ingen tråd ännu' });
    expect(await dueCoachReminders(s, at('2026-12-07T10:00'))).toEqual([]);
    const posted = await askPosted('Med tråd');
    await recordCoachReply(s, cecilia, posted._id, { text: 'Svar' });
    expect(await dueCoachReminders(s, at('2026-12-07T10:00'))).toEqual([]);
    await recordApplicantReply(s, anna, posted._id, 'Följdfråga');
    const round2 = await dueCoachReminders(s, at('2026-12-08T10:00'));
    expect(round2.map((r) => r.id)).toEqual([`coach-sla:${posted._id}:2`]);

    const quick = await createServices(await openTestStore(), {
      clock: () => now,
      log: createLogger('silent'),
      admins: [],
      coaching: { slaHours: 2, officeHours: { start: '09:00', end: '16:00' } },
    });
    expect(quick.coaching.slaHours).toBe(2);
    expect(q.status).toBe('open');
  });

  it('when a coach resolves and the applicant writes again, then it reopens, and a saved FAQ entry is found later', async () => {
    const q = await askPosted('Hur räknar jag fram nyttan i nyttokalkylen?');
    await recordCoachReply(s, cecilia, q._id, { text: 'Frigjorda timmar gånger timkostnad.' });
    await expect(
      saveFaqEntry(s, cecilia, q._id, { faqQuestion: 'x', faqAnswer: 'y' }),
    ).rejects.toMatchObject({ params: { reason: 'faq_needs_resolved' } });
    expect((await resolveQuestion(s, cecilia, q._id)).outcome).toBe('resolved');
    expect((await resolveQuestion(s, cecilia, q._id)).outcome).toBe('alreadyResolved');
    const notice = (await s.outbox.col.find({})).find((m) =>
      m._id.startsWith(`coach-resolved:${q._id}`),
    );
    expect(notice?.target).toEqual({ kind: 'user', aadObjectId: anna.aadObjectId });

    await expect(
      saveFaqEntry(s, david, q._id, { faqQuestion: 'x', faqAnswer: 'y' }),
    ).rejects.toMatchObject({ params: { reason: 'not_coach' } });
    const bad = await saveFaqEntry(s, cecilia, q._id, {
      faqQuestion: '',
      faqAnswer: 'z'.repeat(4001),
      faqPortfolioId: 'p9',
    });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.map((e) => e.code)).toEqual([
      'required',
      'too_long',
      'invalid_choice',
    ]);
    const saved = await saveFaqEntry(s, cecilia, q._id, {
      faqQuestion: q.text,
      faqAnswer: 'Frigjorda timmar gånger timkostnad.',
      faqPortfolioId: 'all',
    });
    expect(saved.ok).toBe(true);
    const again = await saveFaqEntry(s, cecilia, q._id, {
      faqQuestion: q.text,
      faqAnswer: 'Ändrat svar.',
      faqPortfolioId: 'all',
    });
    expect(again.ok && again.entry._id).toBe(saved.ok && saved.entry._id);
    expect(await s.coaching.faq.all()).toHaveLength(1);
    expect((await searchFaq(s, 'hur räknas nyttokalkylen'))[0]?.entry.answer).toBe('Ändrat svar.');

    const reopened = await recordApplicantReply(s, anna, q._id, 'En fråga till');
    expect(reopened.reopened).toBe(true);
    expect(reopened.question).toMatchObject({ status: 'open', reopenCount: 1, round: 2 });
    await expect(recordApplicantReply(s, david, q._id, 'inte min')).rejects.toMatchObject({
      code: 'forbidden',
    });
    const actions = (await s.audit.forEntity(q._id)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['coach.answered', 'coach.resolved', 'coach.reopened']),
    );
  });
});
