import { OutboxMessage } from '../../../services/outbox/outbox-repository';
import { DigestItem } from '../../../services/reminders/reminder';
import { planReminders, runReminders } from '../../../services/reminders/plan-reminders';
import { setReminderOptOut, snoozeReminders } from '../../../services/reminders/reminder-prefs';
import { formatPlan } from '../../../services/scheduler/reminders-dry-run';
import { ReviewReminderItem } from '../../../services/reminders/reminder-sources';
import { Services } from '../../../services/services';
import { addDraft, addProject, at, kitServices, PERSON, TestClock } from './scheduler-kit';

const digests = async (s: Services): Promise<OutboxMessage[]> =>
  s.outbox.col.find({ _id: { $regex: /^digest:/ } } as never);
const itemsOf = (m: OutboxMessage | null): DigestItem[] =>
  (m?.payload.card?.model as { items?: DigestItem[] })?.items ?? [];
const actor = (n: number) => ({
  aadObjectId: PERSON(n),
  name: `Person ${n}`,
  locale: 'sv' as const,
});

describe('reminders computed from the state with a controllable clock', () => {
  it('when a draft has been idle five working days, then its owner gets one digest in office hours, once', async () => {
    const clock = new TestClock('2027-03-01 10:00');
    const s = await kitServices(clock);
    await addDraft(s, 'd1', PERSON(1), '2027-03-01 10:00');
    clock.set('2027-03-05 15:00'); // four working days
    expect((await planReminders(s)).digests).toEqual([]);
    clock.set('2027-03-08 10:05'); // five working days
    const run = await runReminders(s, 'a');
    expect(run.digestsQueued).toBe(1);
    const digest = await s.outbox.get(`digest:${PERSON(1)}:2027-03-08`);
    expect(itemsOf(digest).map((i) => i.kind)).toEqual(['draftIdle']);
    expect(itemsOf(digest)[0].action).toEqual({
      verb: 'application.continue',
      data: { appId: 'd1' },
    });
    // Again the same day, and the next days: nothing new for the same idle period.
    expect((await runReminders(s, 'b')).digestsQueued).toBe(0);
    clock.set('2027-03-09 10:00');
    expect((await runReminders(s, 'a')).digestsQueued).toBe(0);
    expect((await s.audit.forEntity(PERSON(1))).map((e) => e.action)).toEqual([
      'reminders.digest_queued',
    ]);
  });

  it('when the due time is on a bank holiday or outside office hours, then the digest waits for the next working day', async () => {
    const clock = new TestClock('2027-06-17 10:00');
    const s = await kitServices(clock);
    // Idle since Friday 18 June: five working days later is midsummer eve (Friday 25 June).
    await addDraft(s, 'd1', PERSON(1), '2027-06-17 10:00');
    clock.set('2027-06-25 11:00');
    const eve = await planReminders(s);
    expect(eve.officeOpen).toBe(false);
    expect(eve.digests).toEqual([]);
    expect(eve.waiting).toEqual([
      expect.objectContaining({
        recipientId: PERSON(1),
        reason: 'outside_office_hours',
        until: at('2027-06-28 09:00').toISOString(),
      }),
    ]);
    expect((await runReminders(s, 'a')).digestsQueued).toBe(0);
    clock.set('2027-06-28 08:59');
    expect((await runReminders(s, 'a')).digestsQueued).toBe(0);
    clock.set('2027-06-28 09:00');
    expect((await runReminders(s, 'a')).digestsQueued).toBe(1);
    // Christmas eve is a day off too.
    clock.set('2027-12-24 10:00');
    expect((await planReminders(s)).officeOpen).toBe(false);
  });

  it('when members have not voted, then they are nudged two working days before and on the day, and then the chair', async () => {
    const clock = new TestClock('2027-03-08 10:00');
    const s = await kitServices(clock);
    const item: ReviewReminderItem = {
      appId: 'app-1',
      regNo: 'PK 2027/0001',
      title: 'Förskoleplats',
      deadline: at('2027-03-12 16:00'),
      memberIdsNotVoted: [PERSON(2), PERSON(3)],
      chairIds: [PERSON(4)],
      channelId: '19:review',
    };
    s.reminders.sources.review = { openItems: async () => [item] };
    clock.set('2027-03-09 16:00');
    expect((await planReminders(s)).digests).toEqual([]);
    clock.set('2027-03-10 09:00');
    await runReminders(s, 'a');
    const early = await s.outbox.get(`digest:${PERSON(2)}:2027-03-10`);
    expect(itemsOf(early).map((i) => [i.kind, i.params.stage])).toEqual([['vote', 1]]);
    // Person 3 votes; on the day only person 2 is nudged.
    item.memberIdsNotVoted = [PERSON(2)];
    clock.set('2027-03-12 09:00');
    await runReminders(s, 'a');
    expect(
      itemsOf(await s.outbox.get(`digest:${PERSON(2)}:2027-03-12`)).map((i) => [
        i.kind,
        i.params.stage,
      ]),
    ).toEqual([['vote', 2]]);
    expect(await s.outbox.get(`digest:${PERSON(3)}:2027-03-12`)).toBeNull();
    expect(await s.outbox.get(`digest:${PERSON(4)}:2027-03-12`)).toBeNull();
    // After the deadline: the chair hears who has not voted.
    clock.set('2027-03-15 09:00');
    await runReminders(s, 'a');
    const chair = itemsOf(await s.outbox.get(`digest:${PERSON(4)}:2027-03-15`));
    expect(chair.map((i) => i.kind)).toEqual(['voteChair']);
    expect(chair[0].params).toMatchObject({ count: 1, names: 'Person 2' });
    expect(await s.outbox.get(`digest:${PERSON(2)}:2027-03-15`)).toBeNull();
  });

  it('when an allocation round waits for a decision maker, then decision makers are nudged after two working days', async () => {
    const clock = new TestClock('2027-03-01 10:00');
    const s = await kitServices(clock);
    await s.users.setRoles(PERSON(5), ['decisionMaker'], clock.fn());
    await s.portfolios.upsert({
      _id: 'p2',
      number: 2,
      key: 'p2',
      name: { sv: 'Information', en: 'Information' },
      relaxedBenefit: false,
      frames: [],
      quorum: 3,
      reviewDays: 10,
    });
    const iso = at('2027-03-01 10:00').toISOString();
    await s.allocation.rounds.insert({
      _id: 'round-p2-2027',
      portfolioId: 'p2',
      year: 2027,
      status: 'open',
      whatIfs: [],
      createdBy: PERSON(4),
      createdByName: 'Person 4',
      createdAt: iso,
      updatedAt: iso,
      version: 1,
    });
    clock.set('2027-03-02 15:00');
    expect((await planReminders(s)).digests).toEqual([]);
    clock.set('2027-03-03 10:00');
    await runReminders(s, 'a');
    const items = itemsOf(await s.outbox.get(`digest:${PERSON(5)}:2027-03-03`));
    expect(items.map((i) => [i.kind, i.params.state, i.params.portfolioSv])).toEqual([
      ['allocation', 'pending', 'Information'],
    ]);
  });

  it('when the scheduler was down over several stages, then only the latest stage goes out', async () => {
    const clock = new TestClock('2027-03-12 09:30');
    const s = await kitServices(clock);
    s.reminders.sources.review = {
      openItems: async () => [
        {
          appId: 'a',
          deadline: at('2027-03-12 16:00'),
          memberIdsNotVoted: [PERSON(2)],
          chairIds: [],
          channelId: 'c',
          regNo: 'PK 1',
          title: 't',
        },
      ],
    };
    await runReminders(s, 'a');
    expect(itemsOf(await s.outbox.get(`digest:${PERSON(2)}:2027-03-12`)).map((i) => i.key)).toEqual(
      [`vote:a:${PERSON(2)}:2027-03-12:day`],
    );
  });

  it('when several things are due for one person, then they come in one digest a day, mandatory reports first', async () => {
    const clock = new TestClock('2027-03-01 10:00');
    const s = await kitServices(clock);
    await addDraft(s, 'd1', PERSON(1), '2027-03-01 10:00');
    await addDraft(s, 'c1', PERSON(1), '2027-03-03 10:00', 'completion_requested');
    await addProject(s, 'p-app', PERSON(1));
    clock.set('2027-03-31 10:00');
    await runReminders(s, 'a');
    const all = await digests(s);
    expect(all).toHaveLength(1);
    expect(itemsOf(all[0]).map((i) => i.kind)).toEqual(['statusReport', 'draftIdle', 'completion']);
  });

  it('when more is due than one digest holds, then the rest comes the next day and nothing is dropped', async () => {
    const clock = new TestClock('2027-03-01 10:00');
    const s = await kitServices(clock);
    for (let i = 0; i < 45; i++)
      await addDraft(s, `d${String(i).padStart(2, '0')}`, PERSON(1), '2027-03-01 10:00');
    clock.set('2027-03-08 10:00');
    await runReminders(s, 'a');
    expect(itemsOf(await s.outbox.get(`digest:${PERSON(1)}:2027-03-08`))).toHaveLength(40);
    clock.set('2027-03-09 10:00');
    await runReminders(s, 'a');
    expect(itemsOf(await s.outbox.get(`digest:${PERSON(1)}:2027-03-09`))).toHaveLength(5);
    expect(await s.reminders.ledger.col.count({})).toBe(45);
  });

  it('when a person opts out, then only mandatory reminders reach them', async () => {
    const clock = new TestClock('2027-03-01 10:00');
    const s = await kitServices(clock);
    await addDraft(s, 'd1', PERSON(1), '2027-03-01 10:00');
    await addProject(s, 'p-app', PERSON(1));
    await setReminderOptOut(s, actor(1), true);
    clock.set('2027-03-31 10:00');
    const plan = await planReminders(s);
    expect(plan.optedOut.map((o) => o.items.map((i) => i.kind))).toEqual([['draftIdle']]);
    await runReminders(s, 'a');
    expect(
      itemsOf(await s.outbox.get(`digest:${PERSON(1)}:2027-03-31`)).map((i) => i.kind),
    ).toEqual(['statusReport']);
    expect((await s.audit.forEntity(PERSON(1))).map((e) => e.action)).toContain(
      'reminders.opted_out',
    );
  });

  it('when a person snoozes until Monday, then nothing comes before and the same items come back on Monday', async () => {
    const clock = new TestClock('2027-03-01 10:00');
    const s = await kitServices(clock);
    await addDraft(s, 'd1', PERSON(1), '2027-03-01 10:00');
    clock.set('2027-03-08 10:00');
    await runReminders(s, 'a');
    const first = `digest:${PERSON(1)}:2027-03-08`;
    expect(await s.outbox.get(first)).not.toBeNull();
    const until = await snoozeReminders(s, actor(1), first, 'monday');
    expect(until).toEqual(at('2027-03-15 09:00'));
    clock.set('2027-03-10 10:00');
    const waiting = await planReminders(s);
    expect(waiting.digests).toEqual([]);
    expect(waiting.waiting[0]).toMatchObject({ reason: 'snoozed' });
    clock.set('2027-03-15 09:00');
    await runReminders(s, 'a');
    expect(itemsOf(await s.outbox.get(`digest:${PERSON(1)}:2027-03-15`)).map((i) => i.key)).toEqual(
      itemsOf(await s.outbox.get(first)).map((i) => i.key),
    );
    await expect(snoozeReminders(s, actor(2), first, 'monday')).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('when two scheduler instances run at the same moment, then each person gets one complete digest', async () => {
    const clock = new TestClock('2027-03-01 10:00');
    const s = await kitServices(clock);
    for (let n = 1; n <= 6; n++) {
      await addDraft(s, `d${n}`, PERSON(n), '2027-03-01 10:00');
      await addDraft(s, `e${n}`, PERSON(n), '2027-03-01 11:00');
    }
    clock.set('2027-03-08 12:00');
    const [a, b] = await Promise.all([
      runReminders(s, 'instance-a'),
      runReminders(s, 'instance-b'),
    ]);
    expect(a.digestsQueued + b.digestsQueued).toBe(6);
    const all = await digests(s);
    expect(all).toHaveLength(6);
    for (const d of all) expect(itemsOf(d)).toHaveLength(2);
    expect(await s.reminders.ledger.col.count({})).toBe(12);
  });

  it('when a report is still missing after two reminders, then it escalates to the review channel, once', async () => {
    const clock = new TestClock('2027-01-20 10:00');
    const s = await kitServices(clock);
    await s.portfolios.upsert({
      _id: 'p1',
      number: 1,
      key: 'p',
      name: { sv: 'P', en: 'P' },
      relaxedBenefit: false,
      frames: [],
      quorum: 3,
      reviewDays: 10,
      reviewChannelId: '19:review-p1',
    });
    const project = await addProject(s, 'p-app', PERSON(1));
    clock.set('2027-03-31 10:00');
    await runReminders(s, 'a');
    expect(
      itemsOf(await s.outbox.get(`digest:${PERSON(1)}:2027-03-31`)).map((i) => i.params.stage),
    ).toEqual([1]);
    clock.set('2027-04-07 10:00');
    await runReminders(s, 'a');
    expect(
      itemsOf(await s.outbox.get(`digest:${PERSON(1)}:2027-04-07`)).map((i) => i.params.stage),
    ).toEqual([2]);
    const escalation = `report-escalation:${project._id}:status-2027-Q1`;
    clock.set('2027-04-13 15:00');
    await runReminders(s, 'a');
    expect(await s.outbox.get(escalation)).toBeNull();
    clock.set('2027-04-14 10:00');
    await runReminders(s, 'a');
    expect(await s.outbox.get(escalation)).toMatchObject({
      target: { kind: 'channel', channelId: '19:review-p1' },
    });
    await runReminders(s, 'b');
    expect(await s.outbox.col.count({ _id: escalation })).toBe(1);
  });

  it('when status reports are switched off, then the one-year benefit follow-up still comes', async () => {
    const clock = new TestClock('2027-01-20 10:00');
    const s = await kitServices(clock, {});
    s.reminders.settings = {
      ...s.reminders.settings,
      enabled: { ...s.reminders.settings.enabled, statusReport: false, finalReport: false },
    };
    await addProject(s, 'p-app', PERSON(1));
    clock.set('2027-03-31 10:00');
    expect((await planReminders(s)).digests).toEqual([]);
    clock.set('2028-11-30 10:00');
    const plan = await planReminders(s);
    expect(plan.digests.flatMap((d) => d.items.map((i) => i.kind))).toEqual(['benefitFollowup']);
  });

  it('when the yearly survey date comes, then each review group gets the survey once that year', async () => {
    const clock = new TestClock('2027-09-30 10:00');
    const s = await kitServices(clock);
    for (const [id, channel] of [
      ['p1', '19:a'],
      ['p2', '19:a'],
      ['p3', '19:b'],
    ]) {
      await s.portfolios.upsert({
        _id: id,
        number: Number(id[1]),
        key: id,
        name: { sv: id, en: id },
        relaxedBenefit: false,
        frames: [],
        quorum: 3,
        reviewDays: 10,
        reviewChannelId: channel,
      });
    }
    expect((await runReminders(s, 'a')).channelQueued).toBe(0);
    clock.set('2027-10-01 09:00');
    expect((await runReminders(s, 'a')).channelQueued).toBe(2);
    clock.set('2027-10-04 10:00');
    expect((await runReminders(s, 'b')).channelQueued).toBe(0);
    const survey = await s.outbox.get('survey:19:a:2027');
    expect(survey?.payload.card?.model).toMatchObject({
      surveyId: '2027:19:a',
      portfolios: [{ number: 1 }, { number: 2 }],
    });
    clock.set('2028-10-02 10:00');
    expect((await runReminders(s, 'a')).channelQueued).toBe(2);
  });

  it('when dry run is on, then the plan is listed and nothing is queued', async () => {
    const clock = new TestClock('2027-03-01 10:00');
    const s = await kitServices(clock, { dryRun: true });
    await addDraft(s, 'd1', PERSON(1), '2027-03-01 10:00');
    clock.set('2027-03-08 10:00');
    const run = await runReminders(s, 'a');
    expect(run.plan.digests.map((d) => d.recipientId)).toEqual([PERSON(1)]);
    expect(run.digestsQueued).toBe(0);
    expect(await digests(s)).toEqual([]);
    const text = formatPlan(run.plan, new Map([[PERSON(1), 'Person 1']]));
    expect(text).toContain('REMINDERS_DRY_RUN is on');
    expect(text).toContain(`Person 1 <${PERSON(1)}> [digest:${PERSON(1)}:2027-03-08]`);
    expect(text).toContain('draftIdle draftIdle:d1:');
  });
});
