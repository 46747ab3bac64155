import { DateTime } from 'luxon';
import { ApplicationDoc } from '../applications/application';
import { notifyOffice } from '../notifications/notify-office';
import { Services } from '../services';
import { STOCKHOLM_ZONE } from '../shared/dates';
import { addWorkingDays } from '../shared/working-days';
import {
  queueCardUpdate,
  REVIEW_CARD_TEMPLATE,
  reviewCardOutboxId,
  withCardActivity,
} from './card-updates';
import {
  byStrength,
  findPossibleDuplicates,
  MAX_DUPLICATES,
  reverseOverlap,
} from './duplicate-benefits';
import { MemberDirectory } from './eligibility';
import { reviewRules } from './review-rules';
import { buildSnapshot } from './review-view';
import { DuplicateHit, ItemFacts, ReviewItemDoc } from './review-types';

const clip = (text: string | undefined, max: number): string =>
  !text ? '' : text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** The card's facts, copied once so the hot path (votes) never needs the application. */
function factsOf(
  app: ApplicationDoc,
  portfolio: { number: number; name: { sv: string; en: string } } | null,
): ItemFacts {
  const d = app.data!;
  return {
    title: d.title,
    organisation: d.organisation,
    applicantName: app.ownerName,
    portfolio: portfolio
      ? { number: portfolio.number, name: portfolio.name }
      : { number: 0, name: { sv: d.portfolioId, en: d.portfolioId } },
    part: d.part,
    devCost: d.devCost,
    yearlyRunningCost: d.yearlyRunningCost,
    yearlyEffectSek: d.yearlyEffectSek,
    yearlyEffectHours: d.yearlyEffectHours,
    citizenBenefit: clip(d.citizenBenefit, 600),
    internalBenefit: clip(d.internalBenefit, 600),
    kfGoals: d.kfGoals,
    reuse: d.reuse,
  };
}

/**
 * Opens the review of a complete application (idempotent): creates the item with its deadline
 * and possible double counting, posts the card in the portfolio's review channel (or tells the
 * office that none is bound), and asks the IT function for its statement.
 */
export async function openReview(
  s: Services,
  dir: MemberDirectory,
  app: ApplicationDoc,
  actor: { aadObjectId: string; name: string },
  activityId?: string,
): Promise<ReviewItemDoc> {
  if (!app.data || !app.regNo) throw new Error(`application ${app._id} has no submitted data`);
  const existing = await s.review.item(app._id);
  if (existing) return ensurePosted(s, dir, existing);

  const portfolio = await s.portfolios.get(app.data.portfolioId);
  const rules = await reviewRules(s, app.data.portfolioId);
  const now = s.clock();
  const deadline = DateTime.fromJSDate(addWorkingDays(now, rules.reviewDays), {
    zone: STOCKHOLM_ZONE,
  }).toISODate()!;
  const { hits: duplicates, more: moreDuplicates } = await findPossibleDuplicates(s, app);
  const channelId = portfolio?.reviewChannelId;
  const channel = channelId ? await s.channels.get(channelId) : null;
  const item: ReviewItemDoc = {
    _id: app._id,
    appId: app._id,
    regNo: app.regNo,
    portfolioId: app.data.portfolioId,
    facts: {
      ...factsOf(app, portfolio),
      completions: (await s.review.checksFor(app._id))
        .filter((c) => c.status === 'completion_requested')
        .slice(-5)
        .map((c) => ({
          round: c.round,
          byName: c.decidedByName ?? '',
          at: c.decidedAt ?? '',
          steps: c.missingSteps ?? [],
          ...(c.note ? { note: clip(c.note, 300) } : {}),
        })),
    },
    status: 'open',
    openedAt: now.toISOString(),
    openedBy: actor.aadObjectId,
    deadline,
    duplicates,
    ...(moreDuplicates > 0 ? { moreDuplicates } : {}),
    rev: 0,
    updateSeq: 0,
    discussionCount: 0,
  };
  if (channelId) {
    item.channelId = channelId;
    if (channel?.teamId) item.teamId = channel.teamId;
  }
  if (!(await s.review.insertItem(item))) {
    const raced = await s.review.item(app._id);
    return raced ? ensurePosted(s, dir, raced) : item;
  }
  await s.audit.append({
    at: now.toISOString(),
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'review.opened',
    entityType: 'application',
    entityId: app._id,
    after: {
      portfolioId: item.portfolioId,
      channelId: item.channelId,
      deadline,
      duplicates: duplicates.map((d) => d.regNo),
    },
    activityId,
  });
  await requestStatements(s, item);
  await linkBackDuplicates(s, item, app);
  return ensurePosted(s, dir, item);
}

/** Posts the item's card in its channel once (deterministic outbox id), or tells the office none is bound. */
export async function ensurePosted(
  s: Services,
  dir: MemberDirectory,
  item: ReviewItemDoc,
): Promise<ReviewItemDoc> {
  if (item.status !== 'open') return item;
  if (!item.channelId) {
    await notifyOffice(s, `review-unbound:${item.appId}`, {
      card: {
        template: 'review-unbound',
        model: { regNo: item.regNo, title: item.facts.title, portfolio: item.facts.portfolio },
      },
    });
    return item;
  }
  if (item.postedAt) return withCardActivity(s, item);
  const { snapshot } = await buildSnapshot(s, dir, item, { votes: [] });
  const now = s.clock();
  await s.outbox.enqueue(
    reviewCardOutboxId(item.appId),
    { kind: 'channel', channelId: item.channelId, teamId: item.teamId },
    { card: { template: REVIEW_CARD_TEMPLATE, model: snapshot } },
    now,
  );
  return (
    (await s.review.updateItem(
      { _id: item._id, postedAt: { $exists: false } },
      { $set: { postedAt: now.toISOString() } },
    )) ??
    (await s.review.item(item._id)) ??
    item
  );
}

/** After `koppla`: posts the open items of these portfolios that had no channel yet. */
export async function postWaitingItems(
  s: Services,
  dir: MemberDirectory,
  portfolioIds: string[],
): Promise<number> {
  const waiting = await s.review.findItems({
    status: 'open',
    portfolioId: { $in: portfolioIds },
    channelId: { $exists: false },
  });
  let posted = 0;
  for (const item of waiting) {
    const portfolio = await s.portfolios.get(item.portfolioId);
    if (!portfolio?.reviewChannelId) continue;
    const channel = await s.channels.get(portfolio.reviewChannelId);
    const set: Record<string, unknown> = { channelId: portfolio.reviewChannelId };
    if (channel?.teamId) set.teamId = channel.teamId;
    const updated = await s.review.updateItem(
      { _id: item._id, channelId: { $exists: false } },
      { $set: set },
    );
    if (!updated) continue;
    await ensurePosted(s, dir, updated);
    posted++;
  }
  return posted;
}

/** The content of the IT function's statement request for an item. */
export async function statementRequestModel(
  s: Pick<Services, 'applications' | 'portfolios' | 'settings'>,
  item: ReviewItemDoc,
): Promise<Record<string, unknown>> {
  const [app, rules] = await Promise.all([
    s.applications.get(item.appId),
    reviewRules(s, item.portfolioId),
  ]);
  return {
    itemId: item._id,
    regNo: item.regNo,
    title: item.facts.title,
    organisation: item.facts.organisation,
    portfolio: item.facts.portfolio,
    reuse: item.facts.reuse,
    reuseDetails: clip(app?.data?.reuseDetails, 1000),
    securityClass: app?.data?.securityClass ?? '',
    deadline: item.deadline,
    required: rules.statementRequired,
  };
}

/** Asks everybody with the IT role for a statement, in personal chat (003: "för utlåtande och rekommendation"). */
async function requestStatements(s: Services, item: ReviewItemDoc): Promise<void> {
  const model = await statementRequestModel(s, item);
  const now = s.clock();
  for (const user of await s.users.withRole('it')) {
    await s.outbox.enqueue(
      `review-statement-request:${item.appId}:${user._id}`,
      { kind: 'user', aadObjectId: user._id },
      { card: { template: 'review-statement-request', model } },
      now,
    );
  }
}

/**
 * Lists the new item on the cards of the open items it overlaps with, so both groups see it. An
 * item keeps its strongest possible double countings; a weaker one is counted instead.
 */
async function linkBackDuplicates(
  s: Services,
  item: ReviewItemDoc,
  app: ApplicationDoc,
): Promise<void> {
  for (const hit of item.duplicates) {
    const back: DuplicateHit = {
      appId: item.appId,
      regNo: item.regNo,
      title: item.facts.title,
      organisation: item.facts.organisation,
      status: app.status,
      reasons: hit.reasons,
      similarity: hit.similarity,
      ...(hit.overlap ? { overlap: reverseOverlap(hit.overlap) } : {}),
      channelId: item.channelId,
    };
    // Read, rank and write back only if nobody changed the other item's list meanwhile (votes
    // may change the item all the time: the list has its own counter).
    for (let attempt = 0; attempt < 20; attempt++) {
      const other = await s.review.item(hit.appId);
      if (!other || other.status !== 'open' || other.duplicates.some((d) => d.appId === item.appId))
        break;
      const ranked = [...other.duplicates, back].sort(byStrength);
      const kept = ranked.slice(0, MAX_DUPLICATES);
      const updated = await s.review.updateItem(
        {
          _id: other._id,
          status: 'open',
          duplicatesRev: other.duplicatesRev ?? { $exists: false },
        },
        {
          $set: {
            duplicates: kept,
            moreDuplicates: (other.moreDuplicates ?? 0) + ranked.length - kept.length,
          },
          $inc: { rev: 1, duplicatesRev: 1 },
        },
      );
      if (updated) {
        await queueCardUpdate(s, updated);
        break;
      }
    }
  }
}
