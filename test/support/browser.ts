import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { PlaygroundConfig, PlaygroundUser } from '../../scripts/playground';
import { DEMO_TENANT, DEMO_USERS } from './test-app';

/** Debian's chromium (apt-get install -y chromium); playwright's own download is never used. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const DEFAULT_REPLY_TIMEOUT_MS = 15_000;

/** A headless browser for e2e tests; close() also removes its profile directory. */
export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * Starts headless chromium on a fresh profile that can only reach loopback addresses, so a test
 * never depends on (or leaks to) the internet; the playground's CDN fonts are simply refused.
 */
export async function launchBrowser(): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: install it with "apt-get install -y chromium chromium-driver" ` +
        '(never "npx playwright install").',
    );
  }
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    const local = url.protocol === 'data:' || url.protocol === 'blob:';
    if (local || LOOPBACK_HOSTS.has(url.hostname)) await route.continue();
    else await route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  return {
    context,
    page,
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/**
 * Elements of the conversation pane: not in the chat list (role=tree), not in an editor or the
 * log panel (both contenteditable), so a text is not found in a preview, a log line or a draft.
 */
function paneText(page: Page, text: string | RegExp): Locator {
  const outsideChrome = page.locator(
    'xpath=//*[not(ancestor-or-self::*[@role="tree" or @contenteditable="true"])]',
  );
  return page.getByText(text).and(outsideChrome);
}

async function visibleCount(locator: Locator): Promise<number> {
  let visible = 0;
  for (const element of await locator.all()) {
    if (await element.isVisible()) visible += 1;
  }
  return visible;
}

async function waitForVisibleCount(
  locator: Locator,
  atLeast: number,
  timeoutMs: number,
): Promise<boolean> {
  try {
    // Polled in the page by playwright: no sleeps in the tests.
    await locator.nth(atLeast - 1).waitFor({ state: 'visible', timeout: timeoutMs });
    return (await visibleCount(locator)) >= atLeast;
  } catch {
    return false;
  }
}

/** Opens the playground UI and waits until its chat list is there. */
export async function openPlayground(
  page: Page,
  url: string,
  options: { hideLogPanel?: boolean } = {},
): Promise<void> {
  await page.goto(url);
  await page.getByRole('treeitem', { name: 'Personal Chat' }).waitFor({ state: 'visible' });
  if (options.hideLogPanel) await page.getByTitle('Hide log panel').click();
}

/**
 * Switches the playground to a conversation by its entry in the left list: 'Personal Chat',
 * the group chat's name, or `<team name> - <channel name>` (General is the team's first channel).
 */
export async function openConversation(page: Page, name: string): Promise<void> {
  await page.getByRole('treeitem', { name, exact: true }).click();
  await page.getByRole('textbox').first().waitFor({ state: 'visible' });
}

/** Types into a Lexical composer, turning a leading @mention into a real Teams mention. */
async function typeInComposer(
  page: Page,
  composer: Locator,
  text: string,
  mention: string | undefined,
): Promise<void> {
  await composer.click();
  if (mention) {
    await page.keyboard.type(`@${mention.slice(0, 4)}`);
    // The typeahead item's accessible name repeats the name (avatar + text): match on its text.
    const item = page
      .getByRole('menuitem')
      .filter({ has: page.getByText(mention, { exact: true }) });
    await item.first().click();
    await page.keyboard.type(' ');
  }
  await page.keyboard.type(text);
}

/** Options for sending a message from the playground UI. */
export interface SendOptions {
  /** Display name to @mention first (needed in group chats and channels, as in Teams). */
  mention?: string;
  /** Text the reply should show; when given, the message is sent again if it does not appear. */
  expectReply?: string | RegExp;
  /** How long to wait for the reply per attempt; default 15 s. */
  replyTimeoutMs?: number;
  /** Total attempts when expectReply is given; default 3 (about 1 run in 20 drops a reply). */
  attempts?: number;
}

async function sendWithRetry(
  page: Page,
  send: () => Promise<void>,
  options: SendOptions,
): Promise<void> {
  if (options.expectReply === undefined) {
    await send();
    return;
  }
  const reply = paneText(page, options.expectReply);
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const before = await visibleCount(reply);
    await send();
    const timeout = options.replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS;
    if (await waitForVisibleCount(reply, before + 1, timeout)) return;
  }
  throw new Error(`no reply showing ${String(options.expectReply)} after ${attempts} attempts`);
}

/**
 * Sends a message in the open chat (or as a reply in the last channel thread) by typing it and
 * pressing Enter; with `expectReply` it re-sends until the reply shows, since the playground now
 * and then drops a reply under CPU load.
 */
export async function sendChatMessage(
  page: Page,
  text: string,
  options: SendOptions = {},
): Promise<void> {
  const send = async (): Promise<void> => {
    const composer = page.getByRole('textbox').last();
    await typeInComposer(page, composer, text, options.mention);
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (el) => (el?.textContent ?? '').trim() === '',
      await composer.elementHandle(),
    );
  };
  await sendWithRetry(page, send, options);
}

/** Starts a new post in the open channel (the "Start a new post" box and its Post button). */
export async function postInChannel(
  page: Page,
  text: string,
  options: SendOptions = {},
): Promise<void> {
  const send = async (): Promise<void> => {
    await typeInComposer(page, page.getByRole('textbox').first(), text, options.mention);
    await page.getByRole('button', { name: 'Post', exact: true }).click();
  };
  await sendWithRetry(page, send, options);
}

/** Waits until a text (substring, case-insensitive; or a RegExp) shows in the conversation pane. */
export async function waitForBotText(
  page: Page,
  text: string | RegExp,
  options: { timeoutMs?: number; atLeast?: number } = {},
): Promise<void> {
  const locator = paneText(page, text);
  const atLeast = options.atLeast ?? 1;
  const timeout = options.timeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS;
  if (!(await waitForVisibleCount(locator, atLeast, timeout))) {
    throw new Error(`"${String(text)}" did not show in the conversation within ${timeout} ms`);
  }
}

/** Fills an Adaptive Card input (Fluent input, found by its label) on the newest card having it. */
export async function fillCardInput(page: Page, label: string, value: string): Promise<void> {
  const exact = page.getByLabel(label, { exact: true });
  // A required input's accessible name may carry the card's " *" marker: then match loosely.
  const input = (await exact.count()) > 0 ? exact.last() : page.getByLabel(label).last();
  await input.fill(value);
}

/** Clicks an Adaptive Card action button by its title on the newest card having it. */
export async function clickCardAction(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: title, exact: true }).last().click();
}

/** Saves a PNG of the visible page, e.g. to look at what a failing step showed. */
export async function screenshot(page: Page, file: string): Promise<string> {
  await page.screenshot({ path: file });
  return file;
}

/** The Playground needs one current user plus five others: the demo people and the seed's sixth. */
const PLAYGROUND_PEOPLE = {
  ...DEMO_USERS,
  fredrik: {
    id: '29:fredrik',
    aadObjectId: '00000000-0000-0000-0000-000000000006',
    name: 'Fredrik Falk',
  },
};

function playgroundUser(u: { id: string; aadObjectId: string; name: string }): PlaygroundUser {
  return {
    id: u.id,
    name: u.name,
    aadObjectId: u.aadObjectId,
    userPrincipleName: `${u.name.split(' ')[0]!.toLowerCase()}@stad.example`,
  };
}

/**
 * An Agents Playground seen by one demo person, with the demo team's General channel and one more
 * (the channel a test works in).
 */
export function demoPlaygroundConfig(
  current: keyof typeof DEMO_USERS,
  channel: { id: string; name: string },
): PlaygroundConfig {
  return {
    tenantId: DEMO_TENANT,
    bot: { id: 'projektkontoret-bot', name: 'Projektkontoret' },
    currentUser: playgroundUser(PLAYGROUND_PEOPLE[current]),
    users: Object.entries(PLAYGROUND_PEOPLE)
      .filter(([key]) => key !== current)
      .map(([, u]) => playgroundUser(u)),
    personalChatId: `personal-${current}`,
    groupChat: { id: 'group-demo', name: 'Projektgruppen' },
    team: {
      id: '19:demo-team-general@thread.tacv2',
      name: 'Digital utveckling',
      aadGroupId: '00000000-0000-0000-0000-0000000000bb',
      channels: [channel],
    },
  };
}

// ---------- The demo page (scripts/demo-server.ts, demo/): one window, every demo person ----------

/** Opens the demo page and waits until its person switcher is there. */
export async function openDemoPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('navigation', { name: 'Byt person' }).getByRole('button').first().waitFor();
}

/** Switches the demo page to a person (one click on their name in the header). */
export async function actAs(page: Page, name: string): Promise<void> {
  const button = page
    .getByRole('navigation', { name: 'Byt person' })
    .getByRole('button', { name, exact: true });
  await button.click();
  await page.locator(`.people button[aria-pressed="true"][aria-label="${name}"]`).waitFor();
}

/** Opens a conversation in the rail: 'Chatt med Projektkontoret', 'General' or 'Beredningsgrupp'. */
export async function openDemoConversation(page: Page, label: string): Promise<void> {
  await page.getByRole('complementary').getByRole('button', { name: label, exact: true }).click();
  await page.locator(`.rail button[aria-current="true"][aria-label="${label}"]`).waitFor();
}

/** Writes in the open chat, or starts a new post in the open channel (which @mentions the bot). */
export async function writeInDemo(page: Page, text: string): Promise<void> {
  const box = page.locator('#composer-text');
  await box.fill(text);
  await box.press('Enter');
}

/** The newest Adaptive Card on the demo page that shows `text` (as the current person sees it). */
export function demoCard(page: Page, text: string | RegExp): Locator {
  return page.locator('.card-host').filter({ hasText: text }).last();
}

/** Waits until the newest card showing `text` is visible; returns it. */
export async function waitForDemoCard(
  page: Page,
  text: string | RegExp,
  timeoutMs = DEFAULT_REPLY_TIMEOUT_MS,
): Promise<Locator> {
  const card = demoCard(page, text);
  await card.waitFor({ state: 'visible', timeout: timeoutMs });
  return card;
}
