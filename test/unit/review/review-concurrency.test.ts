import { randomUUID } from 'node:crypto';
import { ApplicationDoc } from '../../../services/applications/application';
import { RosterMember } from '../../../services/channels/channel-repository';
import { createLogger } from '../../../services/logging/logger';
import { REVIEW_CARD_SOURCE, reviewCardModel } from '../../../services/review/card-updates';
import { openReview } from '../../../services/review/open-review';
import { reviewCard } from '../../../cards/review-cards';
import { cardText } from '../../support/test-app';
import { castVote, closeReview, declareNoConflict } from '../../../services/review/review-actions';
import { MemberDirectory } from '../../../services/review/eligibility';
import { createServices, Services } from '../../../services/services';
import { Actor } from '../../../services/shared/actor';
import { DomainError } from '../../../services/shared/domain-error';
import { openTestStore } from '../../support/test-store';

const CHANNEL = '19:review@thread.tacv2';
const scores = {
  citizenBenefit: 4,
  organisationBenefit: 3,
  goalFit: 4,
  costEffectiveness: 3,
  feasibility: 4,
  reuse: 5,
};

/** A submitted application in review (the same benefit text every time). */
function application(regNo: string): ApplicationDoc {
  return {
    _id: randomUUID(),
    ownerId: randomUUID(),
    ownerName: 'Sökande',
    status: 'in_review',
    inputs: { title: 'Projekt' },
    step: 6,
    reached: 6,
    regNo,
    version: 1,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    submittedAt: new Date().toISOString(),
    data: {
      title: 'Projekt',
      portfolioId: 'p1',
      part: 'improvement',
      organisation: 'Kulturförvaltningen',
      contactName: 'Sökande',
      contactEmail: 'sokande@stad.example',
      crossOrganisational: false,
      need: 'Ett behov.',
      userGroups: 'Alla.',
      kfGoals: ['quality'],
      citizenBenefit: 'Nytta.',
      internalBenefit: 'Nytta.',
      realisationPlan: 'Plan.',
      realisationOwner: 'Chef',
      devCost: 100_000,
      yearlyRunningCost: 10_000,
      costSharing: [{ organisation: 'Kulturförvaltningen', percent: 100 }],
      ownerName: 'Mottagare',
      ownerOrganisation: 'Kulturförvaltningen',
      ownerEmail: 'm@stad.example',
      startDate: '2027-01-01',
      endDate: '2027-06-30',
      isStage: false,
      reuse: 'common',
      reuseDetails: 'Gemensam.',
      securityClass: '1',
      accessibilityPlan: 'WCAG.',
    },
  };
}

async function setup(
  memberCount: number,
): Promise<{ s: Services; dir: MemberDirectory; members: Actor[]; itemId: string; chair: Actor }> {
  const store = await openTestStore();
  const s = await createServices(store, {
    clock: () => new Date(),
    log: createLogger('silent'),
    admins: [],
  });
  const chair: Actor = { aadObjectId: randomUUID(), name: 'Ordförande', locale: 'sv' };
  await s.users.setRoles(chair.aadObjectId, ['chair'], new Date());
  await s.portfolios.upsert({
    _id: 'p1',
    number: 1,
    key: 'tillganglighet',
    name: { sv: 'Tillgänglighet', en: 'Accessibility' },
    relaxedBenefit: false,
    frames: [],
    quorum: 3,
    reviewDays: 10,
    reviewChannelId: CHANNEL,
  });
  const members: Actor[] = Array.from({ length: memberCount }, (_, i) => ({
    aadObjectId: randomUUID(),
    name: `Ledamot ${i}`,
    locale: 'sv',
  }));
  // Only the review group votes: every member has the reviewer role.
  for (const m of members) await s.users.setRoles(m.aadObjectId, ['reviewer'], new Date());
  const roster: RosterMember[] = members.map((m, i) => ({
    id: `29:m${i}`,
    aadObjectId: m.aadObjectId,
    name: m.name,
  }));
  const dir: MemberDirectory = { membersOf: async () => roster };
  // The Teams edge caches every roster it fetches; the outbox reads that cache when it sends.
  await s.channels.saveRoster(CHANNEL, roster, new Date());
  const app = application('PK 2026/0001');
  await s.applications.insert(app);
  const item = await openReview(s, dir, app, chair);
  // As if the outbox had posted the card: its activity id becomes the thread root.
  await s.outbox.col.findOneAndUpdate(
    { _id: `review-card:${app._id}` },
    { $set: { status: 'sent', sentActivityId: '1001' } },
  );
  for (const m of members)
    await declareNoConflict(s, dir, m, item._id, { channelId: CHANNEL }, undefined);
  return { s, dir, members, itemId: item._id, chair };
}

describe('review concurrency on the store', () => {
  it('when 200 members vote at the same moment, then there are exactly 200 vote documents and the tally counts 200', async () => {
    const { s, dir, members, itemId } = await setup(200);
    await Promise.all(
      members.map((m) =>
        castVote(s, dir, m, itemId, { channelId: CHANNEL }, { vote: 'approve', scores }),
      ),
    );
    const votes = await s.review.votesFor(itemId);
    expect(votes.filter((v) => v.vote === 'approve')).toHaveLength(200);
    expect(new Set(votes.map((v) => v._id)).size).toBe(200);
    const view = await castVote(
      s,
      dir,
      members[0],
      itemId,
      { channelId: CHANNEL },
      { vote: 'approve', scores },
    );
    // The chair (an explicit grant) may vote too but has not.
    expect(view.snapshot.tally).toMatchObject({ voted: 200, remaining: 1, eligible: 201 });
    // The card is updated in place by queued messages.
    const updates = await s.outbox.col.find({
      _id: { $in: Array.from({ length: 50 }, (_, i) => `review-update:${itemId}:${i + 1}`) },
    });
    const newest = updates.sort(
      (a, b) => Number(b._id.split(':').pop()) - Number(a._id.split(':').pop()),
    )[0];
    // Coalesced: far fewer updates than votes.
    expect(updates.length).toBeLessThan(20);
    expect(newest.payload.update).toEqual({
      activityId: '1001',
      conversationId: `${CHANNEL};messageid=1001`,
    });
    // It names the item; sent now, it shows the exact tally.
    expect(newest.payload.card).toMatchObject({ live: REVIEW_CARD_SOURCE, model: { itemId } });
    const sent = await reviewCardModel(s, newest.payload.card!.model as Record<string, unknown>);
    expect(sent!.tally).toMatchObject({ voted: 200, remaining: 1, eligible: 201 });
  });

  it("when a reply in the card's thread is waiting in the outbox (a reminder for later), then a vote still queues an update of the card", async () => {
    const { s, dir, members, itemId } = await setup(3);
    const later = new Date(Date.now() + 3_600_000);
    await s.outbox.enqueue(
      `reminder-in-thread:${itemId}`,
      { kind: 'channel', channelId: CHANNEL, threadId: '1001' },
      { text: 'Påminnelse' },
      new Date(),
      later,
    );
    await castVote(s, dir, members[0], itemId, { channelId: CHANNEL }, { vote: 'approve', scores });
    const updates = await s.outbox.col.find({
      status: 'pending',
      'payload.update.activityId': '1001',
    });
    expect(updates).toHaveLength(1);
    expect(updates[0].payload.card).toMatchObject({ live: REVIEW_CARD_SOURCE, model: { itemId } });
  });

  it('when votes race the chair closing the item, then every vote is either in the result or refused and undone', async () => {
    const { s, dir, members, itemId, chair } = await setup(40);
    for (const m of members.slice(0, 3))
      await castVote(s, dir, m, itemId, { channelId: CHANNEL }, { vote: 'approve', scores });
    const racing = members.slice(3).map((m) =>
      castVote(s, dir, m, itemId, { channelId: CHANNEL }, { vote: 'reject', scores }).then(
        () => 'accepted' as const,
        (err: unknown) => {
          if (err instanceof DomainError && err.params.reason === 'closed')
            return 'refused' as const;
          throw err;
        },
      ),
    );
    const close = closeReview(
      s,
      dir,
      chair,
      itemId,
      { channelId: CHANNEL },
      'recommended',
      'Ordföranden avgör.',
    );
    const outcomes = await Promise.all(racing);
    await close;
    const item = (await s.review.item(itemId))!;
    expect(item.status).toBe('closed');
    const votes = await s.review.votesFor(itemId);
    const cast = votes.filter((v) => v.vote);
    // Exactly the stored votes are in the result, at the revision that was counted.
    expect(item.result!.votes.approve + item.result!.votes.reject).toBe(cast.length);
    for (const v of cast) expect(item.result!.counted[v.memberId]).toBe(v.rev);
    const refusedIds = members
      .slice(3)
      .filter((_, i) => outcomes[i] === 'refused')
      .map((m) => m.aadObjectId);
    for (const id of refusedIds) expect(votes.find((v) => v.memberId === id)?.vote).toBeUndefined();
    expect(cast.length).toBe(3 + outcomes.filter((o) => o === 'accepted').length);
    expect((await s.applications.get(item.appId))!.review!.votes).toEqual(item.result!.votes);
  });

  it('when many applications claim the same benefit, then an item keeps its five strongest possible double countings and counts the rest', async () => {
    const { s, dir, chair } = await setup(3);
    // setup opened PK 2026/0001; six more with the same benefit text follow.
    const first = (await s.review.findItems({}))[0];
    for (let i = 2; i <= 7; i++) await openReview(s, dir, await inserted(s, i), chair);
    const item = (await s.review.item(first._id))!;
    expect(item.duplicates).toHaveLength(5);
    expect(item.moreDuplicates).toBe(1);
    const sent = await reviewCardModel(s, { itemId: item._id });
    expect(sent!.duplicates).toHaveLength(5);
    expect(cardText(reviewCard(sent!, 'sv'))).toContain('… och 1 till med svagare överlapp.');
    // The newest item found all six earlier ones and lists five of them.
    const last = (await s.review.findItems({ regNo: 'PK 2026/0007' }))[0];
    expect(last.duplicates).toHaveLength(5);
    expect(last.moreDuplicates).toBe(1);
  });
});

async function inserted(s: Services, n: number): Promise<ApplicationDoc> {
  const app = { ...application(`PK 2026/000${n}`), _id: randomUUID() };
  await s.applications.insert(app);
  return app;
}
