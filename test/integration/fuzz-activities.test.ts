/**
 * Property-based hardening of POST /api/messages over real HTTP: malformed and hostile
 * activities (wrong types, huge texts, deep JSON, unknown verbs, injection strings), and card
 * clicks by one user carrying another user's application id. Invariants: never a 5xx, the
 * server stays up, a user always gets a clear answer, cards stay under 80 KB, and nothing the
 * actor may not touch is written or shown.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { App } from '../../bot/app';
import { MAX_BODY_BYTES } from '../../bot/server';
import { VERB_TABLE } from '../../bot/verbs';
import { cardBytes, MAX_CARD_BYTES } from '../../cards/render';
import { ApplicationDoc } from '../../services/applications/application';
import {
  actionExecute,
  makeUser,
  personalConversationId,
  personalMessage,
  postActivity,
  teamsThreadId,
  TeamsActivity,
} from '../support/activities';
import { VALID_STEPS } from '../support/application-fixture';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import {
  appIdOf,
  cardOfCall,
  cardText,
  DEMO_TENANT,
  DEMO_USERS,
  PersonalChat,
  startTestApp,
} from '../support/test-app';

/** Strings that have broken bots before: markup, templating, links, control and odd unicode. */
const INJECTIONS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '${title}',
  "${if(true,'EVAL','no')}",
  '${$root.appId}',
  '@{secret}',
  '**fet**',
  '__understruken__',
  '[klicka](javascript:alert(1))',
  '![bild](https://evil.example/x.png)',
  '`kod`',
  '# rubrik',
  '- punkt',
  '1. lista',
  '> citat',
  '\\',
  '\u0000\u0001\u001f',
  '\u202eevil\u202c',
  '\ud800',
  '𝕳𝖊𝖏 👩‍👩‍👧‍👦',
  '{{title}}',
  '{name}',
  '$data',
  '__proto__',
  'constructor',
  '%s%n%x',
  "'; DROP TABLE applications; --",
  '{"$gt": ""}',
  'ny ansökan\nmina ansökningar',
];

/** JSON nested `depth` levels deep (objects and arrays alternating). */
function nested(depth: number): unknown {
  let v: unknown = 'botten';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { n: v };
  return v;
}

/**
 * A value built only when the activity is assembled, so fast-check's report of a failing case
 * prints `huge(…)`/`deep(…)` instead of 600 KB or overflowing the stack.
 */
class Lazy {
  constructor(
    private readonly label: string,
    readonly build: () => unknown,
  ) {}
  [fc.toStringMethod](): string {
    return this.label;
  }
}

/** Replaces Lazy placeholders by their values (top level and inside plain objects/arrays). */
function materialise(v: unknown): unknown {
  if (v instanceof Lazy) return v.build();
  if (Array.isArray(v)) return v.map(materialise);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, materialise(x)]));
  return v;
}

const hugeString = fc
  .integer({ min: 1_000, max: 300_000 })
  .map((n) => new Lazy(`huge(${n} × å)`, () => 'å'.repeat(n)));

const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  // Huge: up to ~600 KB in UTF-8, so both sides of the 256 KB limit are hit.
  { weight: 1, arbitrary: hugeString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 1_000 })
      .map((d) => new Lazy(`deep(${d})`, () => nested(d))),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -1,
      1e308,
      2 ** 53 + 1,
      [],
      {},
      [null],
      { type: 'message' },
    ),
  },
);

/** Fields an attacker controls in an activity, dotted. */
const PATHS = [
  'type',
  'id',
  'name',
  'text',
  'locale',
  'replyToId',
  'channelId',
  'timestamp',
  'from',
  'from.id',
  'from.aadObjectId',
  'from.name',
  'recipient',
  'recipient.id',
  'conversation',
  'conversation.id',
  'conversation.conversationType',
  'conversation.tenantId',
  'channelData',
  'channelData.tenant',
  'channelData.tenant.id',
  'channelData.channel',
  'entities',
  'attachments',
  'value',
  'value.action',
  'value.action.verb',
  'value.action.data',
  'value.action.data.appId',
  'value.action.data.step',
  'membersAdded',
] as const;

/** Paths whose change leaves "who, where and what kind" intact: the user must still get an answer. */
const ANSWER_KEEPING = new Set<string>([
  'locale',
  'timestamp',
  'replyToId',
  'value.action.data',
  'value.action.data.appId',
  'value.action.data.step',
  'from.name',
  'attachments',
]);

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (!next || typeof next !== 'object' || Array.isArray(next)) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = materialise(value);
}

type Mutation = { path: string; value: unknown };

/** Half of the mutations keep the activity answerable, so the "clear answer" check runs often. */
const mutation: fc.Arbitrary<Mutation> = fc.record({
  path: fc.oneof(fc.constantFrom<string>(...PATHS), fc.constantFrom<string>(...ANSWER_KEEPING)),
  value: hostileValue,
});

/** Cards the bot answered with or sent during a run: none may reach Teams' size limit. */
function expectCardsSmall(cards: unknown[]): void {
  for (const card of cards) {
    if (card && typeof card === 'object')
      expect(cardBytes(card as Record<string, unknown>)).toBeLessThan(MAX_CARD_BYTES);
  }
}

/** The card an invoke answered with, or undefined when the body is no card response. */
function invokeCard(body: unknown): Record<string, unknown> | undefined {
  const b = body as { type?: string; value?: unknown } | undefined;
  return b?.type === 'application/vnd.microsoft.card.adaptive' &&
    b.value &&
    typeof b.value === 'object'
    ? (b.value as Record<string, unknown>)
    : undefined;
}

const DOMAIN_COLLECTIONS = ['applications', 'audit', 'outbox', 'ideas'];

describe('fuzzing /api/messages with hostile activities', () => {
  let connector: FakeConnector;
  let app: App;
  /** A's real application, which nobody else may change or see. */
  let annaAppId: string;
  let annaSnapshot: ApplicationDoc;
  const marker = `Annas-hemliga-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    connector = await startFakeConnector();
    app = await startTestApp();
    const anna = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    expect(await anna.say('ny ansökan')).toBe(200);
    annaAppId = appIdOf(
      cardOfCall(await connector.waitFor((c) => c.kind === 'reply' || c.kind === 'send')),
    );
    const saved = await anna.click('application.next', {
      appId: annaAppId,
      step: 0,
      ...VALID_STEPS[0],
      title: `Projekt ${marker}`,
    });
    expect(saved.status).toBe(200);
    annaSnapshot = (await app.services.applications.get(annaAppId))!;
    expect(annaSnapshot.inputs.title).toBe(`Projekt ${marker}`);
  });
  afterAll(async () => {
    await app.close();
    await connector.stop();
  });

  async function domainCounts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const name of DOMAIN_COLLECTIONS)
      out[name] = await app.services.store.collection(name).count({});
    return out;
  }

  async function expectAnnaUntouched(): Promise<void> {
    expect(await app.services.applications.get(annaAppId)).toEqual(annaSnapshot);
  }

  it('when activities arrive with hostile fields, then never a 5xx, a user always gets an answer, and A is untouched', async () => {
    const fuzzUser = makeUser('Fuzz Användare');
    const auditBefore = (await app.services.audit.forEntity(annaAppId)).length;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'message' | 'invoke'>('message', 'invoke'),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('sv-SE', 'en-US'),
        async (kind, mutations, locale) => {
          connector.reset();
          const base: TeamsActivity =
            kind === 'message'
              ? personalMessage({
                  serviceUrl: connector.url,
                  tenantId: DEMO_TENANT,
                  from: fuzzUser,
                  text: 'zz något',
                  locale,
                })
              : actionExecute({
                  serviceUrl: connector.url,
                  tenantId: DEMO_TENANT,
                  from: fuzzUser,
                  verb: 'applications.list',
                  locale,
                });
          const activity = structuredClone(base) as unknown as Record<string, unknown>;
          for (const m of mutations) setPath(activity, m.path, m.value);

          const size = Buffer.byteLength(JSON.stringify(activity));
          const res = await postActivity(`${app.url}/api/messages`, activity as never);
          expect(res.status).toBeLessThan(500);
          expect([200, 400, 413]).toContain(res.status);
          if (size > MAX_BODY_BYTES) expect(res.status).toBe(413);

          const card = invokeCard(res.body);
          const sentCards = connector.calls.map((c) => cardOfCall(c));
          expectCardsSmall([card, ...sentCards]);

          const answerKept =
            res.status === 200 && mutations.every((m) => ANSWER_KEEPING.has(m.path));
          if (answerKept && kind === 'invoke') {
            // A clear answer: a card with words in it, in place of the clicked one.
            expect(card).toBeDefined();
            expect(cardText(card).trim().length).toBeGreaterThan(0);
          }
          if (answerKept && kind === 'message') {
            const conversationId = (activity.conversation as { id: string }).id;
            expect(
              connector.calls.some(
                (c) =>
                  c.conversationId === conversationId && (c.kind === 'reply' || c.kind === 'send'),
              ),
            ).toBe(true);
          }
        },
      ),
      { numRuns: 250, interruptAfterTimeLimit: 40_000 },
    );
    await expectAnnaUntouched();
    expect((await app.services.audit.forEntity(annaAppId)).length).toBe(auditBefore);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    // The server still serves an ordinary user normally afterwards.
    connector.reset();
    expect(await new PersonalChat(app.url, connector.url, DEMO_USERS.anna).say('hjälp')).toBe(200);
    expect(connector.calls.some((c) => c.kind === 'reply' || c.kind === 'send')).toBe(true);
  }, 60_000);

  it('when bodies are not activities at all, then 400 (or 413 when huge), never 5xx', async () => {
    const notActivity = fc.oneof(
      fc
        .jsonValue({ maxDepth: 4 })
        .filter(
          (v) =>
            !(
              v &&
              typeof v === 'object' &&
              !Array.isArray(v) &&
              typeof (v as { type?: unknown }).type === 'string'
            ),
        ),
      fc.record({
        type: fc.oneof(
          fc.integer(),
          fc.constant(null),
          fc.array(fc.string()),
          fc.string({ minLength: 65, maxLength: 200 }),
        ),
      }),
      // A real activity whose serviceUrl is no string: nothing may try to send there.
      fc.constantFrom<unknown>(null, 42, {}, [], ['https://smba.trafficmanager.net/'], true).map(
        (serviceUrl) =>
          new Lazy(`message with serviceUrl ${JSON.stringify(serviceUrl)}`, () => ({
            ...personalMessage({
              serviceUrl: 'x',
              tenantId: DEMO_TENANT,
              from: DEMO_USERS.anna,
              text: 'hjälp',
            }),
            serviceUrl,
          })),
      ),
      fc
        .integer({ min: 49, max: 1_000 })
        .map(
          (d) =>
            new Lazy(`{type:'message', value: deep(${d})}`, () => ({
              type: 'message',
              value: nested(d),
            })),
        ),
    );
    await fc.assert(
      fc.asyncProperty(notActivity, async (generated) => {
        const body = materialise(generated);
        const res = await postActivity(`${app.url}/api/messages`, body as never);
        expect(res.status).toBe(
          Buffer.byteLength(JSON.stringify(body)) > MAX_BODY_BYTES ? 413 : 400,
        );
      }),
      { numRuns: 60 },
    );
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('when unknown verbs are clicked, then the user is told the button is unknown', async () => {
    const fuzzUser = makeUser('Okänd Knapp');
    await fc.assert(
      fc.asyncProperty(
        fc
          .oneof(
            hostileString,
            fc.constantFrom(
              'review.vote.',
              'APPLICATION.NEXT',
              'application.next ',
              'constructor',
              'toString',
              '__proto__',
            ),
          )
          .filter((v) => !VERB_TABLE.has(v) && Buffer.byteLength(v) < 100_000),
        async (verb) => {
          const res = await postActivity(
            `${app.url}/api/messages`,
            actionExecute({
              serviceUrl: connector.url,
              tenantId: DEMO_TENANT,
              from: fuzzUser,
              verb,
              data: { appId: annaAppId },
            }),
          );
          expect(res.status).toBe(200);
          const text = cardText(invokeCard(res.body));
          expect(text).toMatch(/knappen känner jag inte igen/);
          expect(JSON.stringify(res.body)).not.toContain(marker);
        },
      ),
      { numRuns: 40 },
    );
    await expectAnnaUntouched();
  });

  it("when user B clicks buttons carrying user A's application id, then B is refused, sees none of A's data, and nothing is written", async () => {
    const bertil = makeUser('Bertil Obehörig');
    const appVerbs = [...VERB_TABLE.keys()].filter(
      (v) =>
        /^application\.(next|back|save|review|goto|submit|continue|view|withdraw|withdrawConfirm)$/.test(
          v,
        ) ||
        /^(review|allocation|decision|completeness|followup|report)\./.test(v) ||
        ['coach.askForm', 'coach.ask', 'coach.showApplication'].includes(v),
    );
    expect(appVerbs.length).toBeGreaterThanOrEqual(10);
    const before = await domainCounts();
    const channel = { teamId: teamsThreadId(), channelId: teamsThreadId() };

    const extraData = fc.dictionary(
      fc.constantFrom(
        'title',
        'need',
        'devCost',
        'status',
        'ownerId',
        '_id',
        'regNo',
        '$set',
        '__proto__',
        'constructor',
        'question',
        'vote',
        'score',
        'comment',
        'decision',
      ),
      hostileString.filter((s) => s.length < 5_000),
      { maxKeys: 4 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...appVerbs),
        fc.oneof(
          fc.integer({ min: -2, max: 8 }),
          hostileString.filter((s) => s.length < 200),
        ),
        extraData,
        fc.constantFrom<'personal' | 'channel'>('personal', 'personal', 'channel'),
        async (verb, step, extra, where) => {
          const data = { ...extra, appId: annaAppId, applicationId: annaAppId, step, target: step };
          const activity = actionExecute({
            serviceUrl: connector.url,
            tenantId: DEMO_TENANT,
            from: bertil,
            verb,
            data,
            ...(where === 'channel' ? { channel } : { conversationId: personalConversationId() }),
          });
          const res = await postActivity(`${app.url}/api/messages`, activity);
          expect(res.status).toBe(200);
          const card = invokeCard(res.body);
          expect(card).toBeDefined();
          expect(cardText(card).trim().length).toBeGreaterThan(0);
          const shown =
            JSON.stringify(res.body) + JSON.stringify(connector.calls.map((c) => c.body));
          expect(shown).not.toContain(marker);
          expect(shown).not.toContain(VALID_STEPS[0].contactEmail);
          await expectAnnaUntouched();
        },
      ),
      { numRuns: 150, interruptAfterTimeLimit: 30_000 },
    );
    expect(await domainCounts()).toEqual(before);
  }, 60_000);
});
