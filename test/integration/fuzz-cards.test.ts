/**
 * Property-based checks that user text put on cards is shown as typed and nothing more:
 * markdown is escaped (cards/render.ts escapeMarkdown), `${…}` in user data is never evaluated
 * by adaptivecards-templating, and over real HTTP the bot's cards keep hostile titles inert.
 */
import fc from 'fast-check';
import { App } from '../../bot/app';
import { messageCard } from '../../cards/application-cards';
import { escapeMarkdown, renderTemplate } from '../../cards/render';
import { makeUser, personalMessage, postActivity } from '../support/activities';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { appIdOf, cardOfCall, DEMO_TENANT, PersonalChat, startTestApp } from '../support/test-app';

/** Characters escapeMarkdown escapes anywhere, and the line-start markers it neutralises. */
const INLINE = new Set(['*', '_', '`', '[', ']', '~']);

/** Undoes exactly what escapeMarkdown does, so a round trip proves no user text is lost. */
function unescapeMarkdown(text: string): string {
  return text
    .replace(/^(\s*)\\([-+#>])/gm, '$1$2')
    .replace(/^(\s*)(\d+)\\\./gm, '$1$2.')
    .replace(/\\([*_`[\]~])/g, '$1')
    .replace(/\\\\/g, '\\');
}

/** Number of backslashes directly before index i. */
function backslashesBefore(text: string, i: number): number {
  let n = 0;
  while (i - 1 - n >= 0 && text[i - 1 - n] === '\\') n++;
  return n;
}

/** Adaptive Expressions an attacker might hope the templating engine evaluates. */
const EXPRESSIONS = [
  'title',
  '$root.secret',
  '$root',
  '$data',
  '$index',
  "concat('PW','NED')",
  "if(true,'EVAL','x')",
  "toUpper('evaluated')",
  'string(1+1)',
  'json(\'{"a":1}\')',
  'count(lines)',
  "'a' + 'b'",
  '',
];

const markdownish = fc.string({
  unit: fc.constantFrom(
    '*',
    '_',
    '`',
    '[',
    ']',
    '(',
    ')',
    '~',
    '\\',
    '#',
    '-',
    '+',
    '>',
    '.',
    '1',
    '9',
    ' ',
    '\n',
    '\t',
    'a',
    'ö',
    '$',
    '{',
    '}',
    '<',
    '/',
  ),
  maxLength: 60,
});
const templated = fc
  .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...EXPRESSIONS), fc.string({ maxLength: 8 }))
  .map(([a, e, b]) => `${a}\${${e}}${b}`);
const userText = fc.oneof(
  markdownish,
  templated,
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

/** Every TextBlock text in a card. */
function textBlocks(card: unknown): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

/** The Input.Text with the given id. */
function inputValue(card: unknown, id: string): unknown {
  let found: unknown;
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'Input.Text' && o.id === id) found = o.value;
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

describe('escapeMarkdown and card templating (properties)', () => {
  it('when any text is escaped, then every inline markdown character is escaped and nothing is lost', () => {
    fc.assert(
      fc.property(userText, (text) => {
        const escaped = escapeMarkdown(text);
        for (let i = 0; i < escaped.length; i++) {
          if (INLINE.has(escaped[i])) expect(backslashesBefore(escaped, i) % 2).toBe(1);
        }
        // No line can start a list, heading or quote.
        for (const line of escaped.split('\n')) expect(line).not.toMatch(/^\s*([-+#>]|\d+\.)/);
        expect(unescapeMarkdown(escaped)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('when a link or image is written, then no link syntax survives escaping', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.constantFrom(
          'javascript:alert(1)',
          'https://evil.example',
          'data:text/html,<script>x</script>',
        ),
        (label, url) => {
          for (const raw of [`[${label}](${url})`, `![${label}](${url})`]) {
            const escaped = escapeMarkdown(raw);
            expect(escaped).not.toMatch(/(^|[^\\])(\\\\)*\[/);
            expect(escaped).toContain(`\\[`);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('when user data holds ${…} expressions, then templating puts it on the card verbatim and evaluates nothing', () => {
    fc.assert(
      fc.property(userText, userText, userText, (title, line, fact) => {
        const card = renderTemplate('message', {
          banner: '',
          title,
          lines: [{ text: line, color: 'Default' }],
          facts: [{ title: fact, value: fact }],
          actions: [{ title: fact, verb: 'help.show', style: 'default', appId: title }],
          secret: 'HEMLIGT',
        });
        const body = card.body as Record<string, unknown>[];
        const blocks = body.filter((b) => b.type === 'TextBlock');
        expect(blocks.some((b) => b.text === title)).toBe(true);
        expect(blocks.some((b) => b.text === line)).toBe(true);
        const facts =
          (
            body.find((b) => b.type === 'FactSet') as
              { facts?: { title: unknown; value: unknown }[] } | undefined
          )?.facts ?? [];
        if (fact !== '') expect(facts).toEqual([{ title: fact, value: fact }]);
        const action = (card.actions as Record<string, unknown>[])[0];
        expect(action.title).toBe(fact);
        expect((action.data as { appId: unknown }).appId).toBe(title);
        const json = JSON.stringify(card);
        if (![title, line, fact].some((s) => s.includes('HEMLIGT')))
          expect(json).not.toContain('HEMLIGT');
        if (![title, line, fact].some((s) => /PWNED|EVALUATED/.test(s)))
          expect(json).not.toMatch(/PWNED|EVALUATED/);
      }),
      { numRuns: 300 },
    );
  });

  it('when a card is built from escaped user text, then the TextBlock holds exactly the escaped text', () => {
    fc.assert(
      fc.property(userText, (text) => {
        const card = messageCard({
          title: escapeMarkdown(text),
          lines: [{ text: escapeMarkdown(text) }],
        });
        const blocks = textBlocks(card);
        expect(blocks.filter((b) => b === escapeMarkdown(text))).toHaveLength(2);
      }),
      { numRuns: 200 },
    );
  });
});

describe('hostile titles and messages over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await startFakeConnector();
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
    await connector.stop();
  });

  /** Inline injections around a random marker; none holds a backslash or a newline. */
  const PAYLOADS: ((m: string) => string)[] = [
    (m) => `**${m}**`,
    (m) => `_${m}_`,
    (m) => `[${m}](javascript:alert(1))`,
    (m) => `![${m}](https://evil.example/p.png)`,
    (m) => `\`${m}\``,
    (m) => `~~${m}~~`,
    (m) => `<script>alert('${m}')</script>`,
    (m) => `\${title}${m}`,
    (m) => `\${concat('PW','NED')}${m}`,
    (m) => `\${toUpper('evaluated')}${m}`,
    (m) => `\${$root.appId}${m}`,
    (m) => `{name}{title}${m}`,
    (m) => `${m} [x] *y* _z_`,
  ];
  const marker = fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
    minLength: 6,
    maxLength: 10,
  });

  function expectShownInert(cards: unknown[], payload: string): void {
    const blocks = cards.flatMap(textBlocks);
    const escaped = escapeMarkdown(payload);
    expect(blocks.some((t) => t.includes(escaped))).toBe(true);
    if (escaped !== payload) for (const t of blocks) expect(t).not.toContain(payload);
    const json = JSON.stringify(cards);
    if (!/PWNED|EVALUATED/.test(payload)) expect(json).not.toMatch(/PWNED|EVALUATED/);
  }

  it('when an application title is an injection, then every card shows it escaped and the form keeps it as typed', async () => {
    const user = makeUser('Injektions Testare');
    const chat = new PersonalChat(app.url, connector.url, user);
    connector.reset();
    expect(await chat.say('ny ansökan')).toBe(200);
    const appId = appIdOf(
      cardOfCall(await connector.waitFor((c) => c.kind === 'reply' || c.kind === 'send')),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PAYLOADS), marker, async (make, m) => {
        const payload = make(m);
        const saved = await chat.click('application.save', { appId, step: 0, title: payload });
        expect(saved.status).toBe(200);
        expect(inputValue(saved.card, 'title')).toBe(payload);
        const list = await chat.click('applications.list');
        const view = await chat.click('application.view', { appId });
        expectShownInert([saved.card, list.card, view.card], payload);
        expect((await app.services.applications.get(appId))?.inputs.title).toBe(payload);
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('when a message is an injection the bot does not understand, then the help card quotes it escaped', async () => {
    const user = makeUser('Meddelande Testare');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PAYLOADS), marker, async (make, m) => {
        connector.reset();
        const payload = `zz ${make(m)}`;
        const activity = personalMessage({
          serviceUrl: connector.url,
          tenantId: DEMO_TENANT,
          from: user,
          text: payload,
        });
        expect((await postActivity(`${app.url}/api/messages`, activity)).status).toBe(200);
        const reply = await connector.waitFor(
          (c) =>
            (c.kind === 'reply' || c.kind === 'send') &&
            c.conversationId === activity.conversation.id,
        );
        expectShownInert([cardOfCall(reply)], payload);
      }),
      { numRuns: 30 },
    );
  }, 60_000);
});
