import {
  eligibleMembers,
  GRANT_TTL_MS,
  membershipOf,
  MemberDirectory,
} from '../../../services/review/eligibility';
import { UserRepository } from '../../../services/users/user-repository';
import { openTestStore } from '../../support/test-store';

const REVIEWER = '00000000-0000-0000-0000-0000000000d1';
const noRoster: MemberDirectory = { membersOf: async () => [] };
const item = { channelId: 'c1', teamId: 't1', portfolioId: 'p1' };

describe('role grants seen by several instances', () => {
  afterEach(() => jest.restoreAllMocks());

  it('when a reviewer grant is revoked on one instance, then another instance refuses the person within the documented bound', async () => {
    const store = await openTestStore();
    const a = { store, users: new UserRepository(store) };
    const b = { store, users: new UserRepository(store) };
    const t0 = new Date('2027-03-01T09:00:00Z');
    await a.users.upsertProfile(REVIEWER, { name: 'Rita Granskare' }, t0);
    await a.users.setRoles(REVIEWER, ['reviewer'], t0);
    let wall = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => wall);
    expect((await membershipOf(b, noRoster, item, REVIEWER)).member).toBe(true);

    await a.users.setRoles(REVIEWER, [], new Date(t0.getTime() + 1000));
    wall += GRANT_TTL_MS;
    expect((await membershipOf(b, noRoster, item, REVIEWER)).member).toBe(false);
    expect((await eligibleMembers(b, noRoster, item)).has(REVIEWER)).toBe(false);
  });

  it('when many votes ask for the grants at once, then the grants are read once and a failed read is not kept', async () => {
    const store = await openTestStore();
    const s = { store, users: new UserRepository(store) };
    const t0 = new Date('2027-03-01T09:00:00Z');
    await s.users.upsertProfile(REVIEWER, { name: 'Rita Granskare' }, t0);
    await s.users.setRoles(REVIEWER, ['reviewer'], t0);
    const users = store.collection('users');
    const real = users.find.bind(users);
    let reads = 0;
    let fail = false;
    users.find = (filter, options) => {
      reads++;
      return fail ? Promise.reject(new Error('store away')) : real(filter, options);
    };
    store.collection = (() => users) as typeof store.collection;
    let wall = 2_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => wall);
    const seen = await Promise.all(
      Array.from({ length: 50 }, () => membershipOf(s, noRoster, item, REVIEWER)),
    );
    expect(seen.every((m) => m.member)).toBe(true);
    expect(reads).toBe(1);

    wall += GRANT_TTL_MS;
    fail = true;
    await expect(membershipOf(s, noRoster, item, REVIEWER)).rejects.toThrow('store away');
    fail = false;
    expect((await membershipOf(s, noRoster, item, REVIEWER)).member).toBe(true);
    expect(reads).toBe(3);
  });

  it('documents a bound of a few seconds, not half a minute', () => {
    expect(GRANT_TTL_MS).toBeLessThanOrEqual(5_000);
  });
});
