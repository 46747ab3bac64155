/**
 * Helpers for the review integration tests: several users in the demo team's channels, driven
 * over real HTTP through the fake connector (which also answers the channel roster).
 */
import { App } from '../../bot/app';
import { forgetGrants } from '../../services/review/eligibility';
import { actionExecute, channelMessage, postActivity, TeamsUser } from '../support/activities';
import { VALID_STEPS } from '../support/application-fixture';
import { FakeConnector, RecordedCall } from '../support/fake-connector';
import { appIdOf, cardOfCall, cardText, DEMO_TENANT, PersonalChat } from '../support/test-app';

export const TEAM_ID = '19:demo-team-general@thread.tacv2';
export const GENERAL = '19:demo-team-general@thread.tacv2';
export const REVIEW_CHANNEL = '19:demo-beredning@thread.tacv2';

type Card = Record<string, unknown>;

/** A channel of the demo team, as several users see it. */
export class Channel {
  constructor(
    private readonly app: App,
    private readonly connector: FakeConnector,
    readonly channelId: string,
    readonly teamId = TEAM_ID,
  ) {}

  /** A new post (or a reply in `replyToThreadId`), @mentioning the bot unless told otherwise. */
  async say(
    user: TeamsUser,
    text: string,
    opts: {
      mention?: boolean;
      replyToThreadId?: string;
      id?: string;
      locale?: string;
      alsoMention?: TeamsUser;
    } = {},
  ): Promise<number> {
    const activity = channelMessage({
      serviceUrl: this.connector.url,
      tenantId: DEMO_TENANT,
      from: user,
      text,
      mentionBot: opts.mention ?? true,
      teamId: this.teamId,
      channelId: this.channelId,
      replyToThreadId: opts.replyToThreadId,
      id: opts.id,
      locale: opts.locale,
    });
    if (opts.alsoMention) {
      // "@Projektkontoret roller @Eva Ek +it": Teams sends the person as a second mention entity.
      const person = opts.alsoMention;
      activity.text = `${activity.text} <at>${person.name}</at>`;
      activity.entities = [
        ...(activity.entities ?? []),
        {
          type: 'mention',
          text: `<at>${person.name}</at>`,
          mentioned: { id: person.id, name: person.name },
        },
      ];
    }
    const res = await postActivity(`${this.app.url}/api/messages`, activity);
    return res.status;
  }

  /** Clicks a button on the card that is the root of `threadRootId` (the card's activity id). */
  async click(
    user: TeamsUser,
    verb: string,
    data: Record<string, unknown>,
    threadRootId: string,
    opts: { id?: string; locale?: string; trigger?: 'manual' | 'automatic' } = {},
  ): Promise<{ status: number; card: Card; text: string }> {
    const activity = actionExecute({
      serviceUrl: this.connector.url,
      tenantId: DEMO_TENANT,
      from: user,
      verb,
      data,
      cardActivityId: threadRootId,
      channel: { teamId: this.teamId, channelId: this.channelId, threadRootId },
      id: opts.id,
      locale: opts.locale,
    });
    if (opts.trigger) (activity.value as { trigger: string }).trigger = opts.trigger;
    const res = await postActivity(`${this.app.url}/api/messages`, activity);
    const card = ((res.body as { value?: Card } | undefined)?.value ?? {}) as Card;
    return { status: res.status, card, text: cardText(card) };
  }
}

/** Writes and submits a complete application as `user`; returns its id. */
export async function submitApplication(
  app: App,
  connector: FakeConnector,
  user: TeamsUser,
  overrides: Record<string, string>[] = [],
): Promise<string> {
  const chat = new PersonalChat(app.url, connector.url, user);
  const before = connector.calls.length;
  expect(await chat.say('ny ansökan')).toBe(200);
  await connector.waitUntil((cs) =>
    cs
      .slice(before)
      .some((c) => c.answered && c.kind === 'reply' && c.conversationId === chat.conversationId),
  );
  const call = connector.calls
    .slice(before)
    .find((c) => c.kind === 'reply' && c.conversationId === chat.conversationId)!;
  const appId = appIdOf(cardOfCall(call));
  for (let step = 0; step < VALID_STEPS.length; step++) {
    const verb = step === VALID_STEPS.length - 1 ? 'application.review' : 'application.next';
    const { status } = await chat.click(verb, {
      appId,
      step,
      ...VALID_STEPS[step],
      ...(overrides[step] ?? {}),
    });
    expect(status).toBe(200);
  }
  const { card } = await chat.click('application.submit', { appId });
  expect(cardText(card)).toMatch(/PK \d{4}\/\d{4}/);
  return appId;
}

/** Waits for a sent (not updated) activity whose card mentions `text` in a conversation. */
export async function waitForCard(
  connector: FakeConnector,
  conversationId: string,
  text: string | RegExp,
  timeoutMs = 8000,
): Promise<RecordedCall> {
  const inConversation = (c: RecordedCall): boolean =>
    (c.kind === 'send' || c.kind === 'reply') &&
    c.status === 200 &&
    (c.conversationId === conversationId || c.conversationId?.split(';')[0] === conversationId);
  try {
    return await connector.waitFor(
      (c) =>
        inConversation(c) &&
        (typeof text === 'string'
          ? cardText(cardOfCall(c)).includes(text)
          : text.test(cardText(cardOfCall(c)))),
      timeoutMs,
    );
  } catch {
    const seen = connector.calls
      .filter(inConversation)
      .map((c) => cardText(cardOfCall(c)).replace(/\n/g, ' | '));
    throw new Error(
      `no card with "${String(text)}" in ${conversationId}; cards there:\n${seen.join('\n')}`,
    );
  }
}

/** The completeness card the project office got for an application (in the General channel). */
export async function officeCard(
  connector: FakeConnector,
  regNo: string,
  round = 1,
): Promise<{ card: Card; submittedAt: string; activityId: string }> {
  const call = await waitForCard(
    connector,
    GENERAL,
    round > 1 ? `${regNo} (omgång ${round})` : `Ny ansökan ${regNo}`,
  );
  const card = cardOfCall(call);
  const m = /"submittedAt":"([^"]+)"/.exec(JSON.stringify(card));
  if (!m) throw new Error('no submittedAt on the completeness card');
  return { card, submittedAt: m[1], activityId: call.assignedId! };
}

/** The review card posted in the review channel: its activity id (the thread root) and content. */
export async function reviewCardOf(
  connector: FakeConnector,
  regNo: string,
  channelId = REVIEW_CHANNEL,
): Promise<{ card: Card; rootId: string; itemId: string }> {
  const call = await waitForCard(connector, channelId, regNo);
  const card = cardOfCall(call);
  const m = /"itemId":"([0-9a-f-]{36})"/.exec(JSON.stringify(card));
  if (!m) throw new Error('no itemId on the review card');
  return { card, rootId: call.assignedId!, itemId: m[1] };
}

/** The newest in-place update of a message (the live tally). */
export function latestUpdate(connector: FakeConnector, activityId: string): Card | null {
  const ups = connector.updates().filter((c) => c.activityId === activityId);
  return ups.length > 0 ? cardOfCall(ups[ups.length - 1]) : null;
}

/** Scores 1–5 on every criterion as card inputs. */
export function scores(value: number | Record<string, number>): Record<string, string> {
  const criteria = [
    'citizenBenefit',
    'organisationBenefit',
    'goalFit',
    'costEffectiveness',
    'feasibility',
    'reuse',
  ];
  return Object.fromEntries(
    criteria.map((c) => [`s_${c}`, String(typeof value === 'number' ? value : value[c])]),
  );
}

export { VALID_STEPS };

/** Submits an application as `user` and has the office mark it complete: returns the posted review item. */
export async function openReviewItem(
  app: App,
  connector: FakeConnector,
  user: TeamsUser,
  overrides: Record<string, string>[] = [],
): Promise<{ appId: string; regNo: string; rootId: string; itemId: string; card: Card }> {
  const appId = await submitApplication(app, connector, user, overrides);
  const regNo = (await app.services.applications.get(appId))!.regNo!;
  const check = await officeCard(connector, regNo);
  const general = new Channel(app, connector, GENERAL);
  const admin = {
    id: '29:bjorn',
    aadObjectId: '00000000-0000-0000-0000-000000000002',
    name: 'Björn Berg',
  };
  const res = await general.click(
    admin,
    'completeness.complete',
    { appId, submittedAt: check.submittedAt },
    check.activityId,
  );
  expect(res.text).toContain('Markerad som komplett');
  const posted = await reviewCardOf(connector, regNo);
  // The outbox records the card's activity id once Teams has accepted it.
  await waitUntilTrue(
    async () => !!(await app.services.outbox.get(`review-card:${appId}`))?.sentActivityId,
  );
  return { appId, regNo, ...posted };
}

/** Polls an async condition (the outbox marks a message sent right after Teams answered). */
export async function waitUntilTrue(
  check: () => Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not met in time');
}

/** How many people may vote on an item in a channel with this roster: the roster plus reviewer and chair grants. */
export async function expectedEligible(app: App, roster: TeamsUser[]): Promise<number> {
  const ids = new Set(roster.map((u) => u.aadObjectId.toLowerCase()));
  for (const role of ['reviewer', 'chair'] as const)
    for (const u of await app.services.users.withRole(role)) ids.add(u._id);
  return ids.size;
}

/**
 * Makes people voting members of every portfolio's review group (the reviewer role), as an admin
 * would with `roller`: only the review group votes, not everyone in the channel.
 */
export async function grantReviewers(app: App, users: TeamsUser[]): Promise<void> {
  for (const u of users) {
    const known = await app.services.users.get(u.aadObjectId);
    const roles = new Set([...(known?.roles ?? []), 'reviewer' as const]);
    await app.services.users.upsertProfile(u.aadObjectId, { name: u.name }, new Date());
    await app.services.users.setRoles(u.aadObjectId, [...roles], new Date());
  }
  forgetGrants(app.services);
}
