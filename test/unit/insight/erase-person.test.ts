import { erasePerson, planCounts, prepareErasure } from '../../../services/privacy/erase-person';
import { collectPersonalData } from '../../../services/privacy/personal-data';
import { resolveSubject } from '../../../services/privacy/subject';
import type { Services } from '../../../services/services';
import type { Actor } from '../../../services/shared/actor';
import { DomainError } from '../../../services/shared/domain-error';
import { decision } from '../allocation/decision-fixture';
import { kitServices, PERSON, TestClock } from '../scheduler/scheduler-kit';
import { application } from './insight-fixture';

const REVIEWER = PERSON(1);
const OTHER = PERSON(2);
const ADMIN = PERSON(3);
const admin: Actor = { aadObjectId: ADMIN, name: 'Admin', locale: 'sv' };

type Doc = { _id: string } & Record<string, unknown>;

async function seed(s: Services, clock: TestClock): Promise<void> {
  const now = clock.fn();
  await s.users.setRoles(ADMIN, ['admin'], now);
  await s.users.upsertProfile(
    REVIEWER,
    {
      name: 'Rut Granskare',
      email: 'Rut.Granskare@stad.example',
      organisation: 'Socialförvaltningen',
    },
    now,
  );
  await s.users.setRoles(REVIEWER, ['reviewer', 'coach'], now);
  await s.coaching.rosters.save('coach-ch', [REVIEWER, OTHER], now);
  await s.channels.saveRoster(
    'review-ch',
    [
      {
        id: '29:rut',
        aadObjectId: REVIEWER,
        name: 'Rut Granskare',
        email: 'rut.granskare@stad.example',
      },
      { id: '29:other', aadObjectId: OTHER, name: 'Person 2' },
    ],
    now,
  );
  await s.review.upsertVote('item-1', REVIEWER, {
    $set: { memberName: 'Rut Granskare', vote: 'approve', updatedAt: now.toISOString() },
  });
  await s.allocation.decisions.insert(
    decision({
      applicationId: 'app-9',
      decidedBy: { aadObjectId: REVIEWER, name: 'Rut Granskare' },
    }),
  );
  await s.applications.insert({
    ...application('draft-1', { status: 'draft' }),
    ownerId: REVIEWER,
  });
  await s.applications.insert(
    application('app-9', { status: 'approved', contactEmail: 'rut.granskare@stad.example' }),
  );
  const ledger = s.store.collection<Doc>('reminder_ledger');
  await ledger.insertOne({
    _id: 'draft-idle:draft-1:r1',
    recipientId: REVIEWER,
    digestId: 'd1',
    claimedAt: now.toISOString(),
    item: { key: 'draft-idle:draft-1:r1' },
  });
  await ledger.insertOne({
    _id: 'vote:item-1:r1',
    recipientId: REVIEWER,
    digestId: 'd1',
    claimedAt: now.toISOString(),
    item: { key: 'vote:item-1:r1' },
  });
  await s.store
    .collection<Doc>('outbox_windows')
    .insertOne({
      _id: `c:user:${REVIEWER}`,
      rev: 3,
      done: [1, 2],
      inflight: [],
      blockedUntil: 0,
      updatedAt: now.toISOString(),
    });
  await s.store
    .collection<Doc>('outbox_windows')
    .insertOne({
      _id: `c:user:${OTHER}`,
      rev: 1,
      done: [1],
      inflight: [],
      blockedUntil: 0,
      updatedAt: now.toISOString(),
    });
}

describe('erasing a person who holds roles', () => {
  it('when a reviewer and coach is erased, then roles, votes and decisions stay, the profile, cached memberships and working reminders go', async () => {
    const clock = new TestClock('2027-03-01 10:00');
    const s = await kitServices(clock);
    await seed(s, clock);

    // Found by e-mail in another capitalisation; the export covers the public records naming them.
    const subject = await resolveSubject(s, 'rut.granskare@STAD.example');
    expect(subject).toMatchObject({
      aadObjectId: REVIEWER,
      emails: ['rut.granskare@stad.example'],
    });
    const found = Object.fromEntries(
      (await collectPersonalData(s, subject)).map((x) => [x.collection, x.documents.length]),
    );
    expect(found).toMatchObject({
      users: 1,
      applications: 2,
      reviewVotes: 1,
      decisions: 1,
      coachRosters: 1,
      channelRosters: 1,
      reminder_ledger: 2,
    });

    const plan = await prepareErasure(s, admin, REVIEWER);
    expect(planCounts(plan)).toEqual({
      'applications:deleted': 1,
      'users:anonymised': 1,
      'reminder_ledger:deleted': 1,
      'coachRosters:removed': 1,
      'channelRosters:removed': 1,
      'outbox_windows:deleted': 1,
      'applications:kept': 1,
      'reviewVotes:kept': 1,
      'decisions:kept': 1,
      'reminder_ledger:kept': 1,
    });
    await erasePerson(s, admin, REVIEWER);

    const user = await s.users.get(REVIEWER);
    // Nothing but the roles (and their index key) stays: no name, e-mail or its lookup key.
    expect(user).toEqual({
      _id: REVIEWER,
      roles: ['reviewer', 'coach'],
      roleHolder: true,
      updatedAt: expect.any(String),
    });
    expect(await s.users.hasRole(REVIEWER, 'reviewer')).toBe(true);
    expect((await s.coaching.rosters.get('coach-ch'))!.memberIds).toEqual([OTHER]);
    expect(
      (await s.store.collection<Doc>('channelRosters').findOne({ _id: 'review-ch' }))!.members,
    ).toEqual([{ id: '29:other', aadObjectId: OTHER, name: 'Person 2' }]);
    expect(await s.review.vote('item-1', REVIEWER)).toMatchObject({ vote: 'approve' });
    expect(await s.allocation.decisions.forApplication('app-9')).toHaveLength(1);
    expect(await s.applications.get('draft-1')).toBeNull();
    expect(await s.applications.get('app-9')).not.toBeNull();
    expect((await s.store.collection<Doc>('reminder_ledger').find({})).map((e) => e._id)).toEqual([
      'vote:item-1:r1',
    ]);
    expect((await s.store.collection<Doc>('outbox_windows').find({})).map((w) => w._id)).toEqual([
      `c:user:${OTHER}`,
    ]);
  });

  it('when someone who is not an admin asks, or the person is known only by e-mail, then nothing is erased', async () => {
    const clock = new TestClock('2027-03-01 10:00');
    const s = await kitServices(clock);
    await seed(s, clock);
    const notAdmin: Actor = { aadObjectId: OTHER, name: 'Person 2', locale: 'sv' };
    await expect(erasePerson(s, notAdmin, REVIEWER)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(prepareErasure(s, admin, 'okand@stad.example')).rejects.toMatchObject({
      code: 'not_found',
      params: { reason: 'subject_unknown' },
    });
    await expect(prepareErasure(s, admin, 'inte en adress')).rejects.toBeInstanceOf(DomainError);
    expect(await s.applications.get('draft-1')).not.toBeNull();
    expect((await s.users.get(REVIEWER))!.name).toBe('Rut Granskare');
    expect(
      (await s.audit.forEntity(REVIEWER)).filter((e) => e.action.startsWith('privacy.')),
    ).toEqual([]);
  });
});
