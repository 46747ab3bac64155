/**
 * Helpers for the allocation and decision integration tests: recommended applications made by
 * driving the real flows over HTTP (submit in personal chat, the office marks it complete,
 * three members vote in the review channel, the chair closes it through the review area), and
 * the owner answering the bot's question in personal chat.
 */
import { App } from '../../bot/app';
import { TeamsUser } from '../support/activities';
import { FakeConnector, RecordedCall } from '../support/fake-connector';
import { cardOfCall, cardText, DEMO_USERS, PersonalChat } from '../support/test-app';
import {
  Channel,
  openReviewItem,
  REVIEW_CHANNEL,
  scores,
  grantReviewers,
  VALID_STEPS,
  waitForCard,
} from './review-support';

export const FREDRIK: TeamsUser = {
  id: '29:fredrik',
  aadObjectId: '00000000-0000-0000-0000-000000000006',
  name: 'Fredrik Falk',
};
export const MAJA: TeamsUser = {
  id: '29:maja',
  aadObjectId: '00000000-0000-0000-0000-0000000000b1',
  name: 'Maja Moberg',
};

type Card = Record<string, unknown>;

/** What differs between the test applications. */
export interface AppSpec {
  title: string;
  devCost: string;
  /** Every voter scores every criterion with this (so it is the mean score). */
  score: number;
  ownerEmail?: string;
  part?: 'innovation' | 'improvement' | 'maintenance';
  recommend?: boolean;
  /** A member who declares jäv on the item and takes no part. */
  recusing?: TeamsUser;
  startDate?: string;
  endDate?: string;
}

/** The wizard inputs per step for a spec (everything else from the valid fixture). */
export function stepsFor(spec: AppSpec): Record<string, string>[] {
  return VALID_STEPS.map((_step, i): Record<string, string> => {
    if (i === 0) return { title: spec.title, part: spec.part ?? 'improvement' };
    // No quantified effect: the value is the review score alone, which keeps the expected proposal plain.
    if (i === 2) return { yearlyEffectSek: '' };
    if (i === 3) return { devCost: spec.devCost };
    if (i === 4)
      return {
        ownerEmail: spec.ownerEmail ?? 'eva.ek@stad.example',
        startDate: spec.startDate ?? '2027-02-01',
        endDate: spec.endDate ?? '2027-11-30',
      };
    return {};
  });
}

/**
 * Submits an application as Anna and takes it through review to the chair's recommendation
 * (voters David, Eva and Maja; the chair David closes). Returns the ids and the review thread.
 */
export async function reviewedApplication(
  app: App,
  connector: FakeConnector,
  spec: AppSpec,
): Promise<{ appId: string; regNo: string; rootId: string; itemId: string }> {
  // Maja votes as a member of the review group (only reviewers and chairs vote).
  await grantReviewers(app, [MAJA]);
  const item = await openReviewItem(app, connector, DEMO_USERS.anna, stepsFor(spec));
  const channel = new Channel(app, connector, REVIEW_CHANNEL);
  if (spec.recusing) {
    const r = await channel.click(
      spec.recusing,
      'review.recuse',
      { itemId: item.itemId, jav_reason: 'Jag har arbetat med förstudien.' },
      item.rootId,
    );
    expect(r.status).toBe(200);
  }
  for (const voter of [DEMO_USERS.david, DEMO_USERS.eva, MAJA]) {
    await channel.click(voter, 'review.noConflict', { itemId: item.itemId }, item.rootId);
    const vote = await channel.click(
      voter,
      'review.vote',
      {
        itemId: item.itemId,
        vote: spec.recommend === false ? 'reject' : 'approve',
        ...scores(spec.score),
      },
      item.rootId,
    );
    expect(vote.text).toContain('Din röst är sparad');
  }
  const closed = await channel.click(
    DEMO_USERS.david,
    'review.close',
    {
      itemId: item.itemId,
      close_recommendation: spec.recommend === false ? 'not_recommended' : 'recommended',
    },
    item.rootId,
  );
  expect(closed.status).toBe(200);
  const doc = await app.services.applications.get(item.appId);
  expect(doc?.status).toBe(spec.recommend === false ? 'not_recommended' : 'recommended');
  return { appId: item.appId, regNo: item.regNo, rootId: item.rootId, itemId: item.itemId };
}

/** The first card the bot sent into a conversation after call index `from` that mentions `text`. */
export async function cardAfter(
  connector: FakeConnector,
  conversationId: string,
  from: number,
  text: string | RegExp,
): Promise<{ call: RecordedCall; card: Card }> {
  const call = await connector.waitFor(
    (c) =>
      c.seq > from &&
      (c.kind === 'send' || c.kind === 'reply') &&
      c.status === 200 &&
      (c.conversationId === conversationId || c.conversationId?.split(';')[0] === conversationId) &&
      (typeof text === 'string'
        ? cardText(cardOfCall(c)).includes(text)
        : text.test(cardText(cardOfCall(c)))),
    10_000,
  );
  return { call, card: cardOfCall(call) };
}

/** The newest sequence number the connector has recorded. */
export function lastSeq(connector: FakeConnector): number {
  return connector.calls.length > 0 ? connector.calls[connector.calls.length - 1].seq : 0;
}

/** A string value carried in a card's action data, e.g. `roundId` or `digest`. */
export function dataOf(card: unknown, key: string): string {
  const m = new RegExp(`"${key}":"([^"]+)"`).exec(JSON.stringify(card));
  if (!m) throw new Error(`no ${key} in card: ${JSON.stringify(card).slice(0, 500)}`);
  return m[1];
}

/** The owner answers the question the bot sent for `regNo` in their personal chat. */
export async function ownerAnswers(
  app: App,
  connector: FakeConnector,
  owner: TeamsUser,
  regNo: string,
  accept: boolean,
  comment = '',
): Promise<string> {
  const chat = new PersonalChat(app.url, connector.url, owner);
  const asked = await waitForCard(
    connector,
    chat.conversationId,
    new RegExp(`${regNo.replace('/', '\\/')}[\\s\\S]*Jag accepterar ägarskap och driftkostnad`),
  );
  const card = cardOfCall(asked);
  const res = await chat.click(accept ? 'owner.accept' : 'owner.decline', {
    appId: dataOf(card, 'appId'),
    seq: dataOf(card, 'seq'),
    owner_comment: comment,
  });
  expect(res.status).toBe(200);
  return cardText(res.card);
}
