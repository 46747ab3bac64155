import { App, createApp } from '../../bot/app';
import { loadConfig } from '../../services/config/config';
import { createLogger } from '../../services/logging/logger';
import { Clock } from '../../services/shared/clock';
import { seedFilePath } from '../../scripts/demo-config';
import { actionExecute, personalMessage, postActivity, TeamsUser } from './activities';

export const DEMO_SEED = seedFilePath();
export const DEMO_TENANT = '00000000-0000-0000-0000-0000000000aa';

/** The demo seed's people, as Teams would name them in activities. */
export const DEMO_USERS = {
  anna: { id: '29:anna', aadObjectId: '00000000-0000-0000-0000-000000000001', name: 'Anna Andersson' },
  bjorn: { id: '29:bjorn', aadObjectId: '00000000-0000-0000-0000-000000000002', name: 'Björn Berg' },
  cecilia: { id: '29:cecilia', aadObjectId: '00000000-0000-0000-0000-000000000003', name: 'Cecilia Carlsson' },
  david: { id: '29:david', aadObjectId: '00000000-0000-0000-0000-000000000004', name: 'David Dahl' },
  eva: { id: '29:eva', aadObjectId: '00000000-0000-0000-0000-000000000005', name: 'Eva Ek' },
} satisfies Record<string, TeamsUser>;

import { freshDataDir } from './temp-dirs';
import { testStoreEnv } from './test-store';

export { freshDataDir };

/** Starts the real app in-process on a free port (local mode, demo seed, quiet logs, the test store). */
export async function startTestApp(
  opts: { dataDir?: string; env?: Record<string, string>; clock?: Clock; startSender?: boolean } = {},
): Promise<App> {
  const dataDir = opts.dataDir ?? freshDataDir();
  const env = {
    LOCAL_MODE: 'true',
    DATA_DIR: dataDir,
    SEED_FILE: DEMO_SEED,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OUTBOX_POLL_MS: '50',
    // Under TEST_STORE=mongodb: MONGODB_URI and this data directory's own database.
    ...testStoreEnv(dataDir),
    ...opts.env,
  };
  const config = loadConfig(env);
  return createApp({
    config,
    env,
    port: 0,
    host: '127.0.0.1',
    clock: opts.clock,
    log: createLogger(env.LOG_LEVEL),
    startSender: opts.startSender,
  });
}

type Card = { body?: unknown[]; actions?: unknown[] } & Record<string, unknown>;

/** A user's personal chat with the bot, driven over real HTTP. */
export class PersonalChat {
  readonly conversationId: string;

  constructor(
    private readonly botUrl: string,
    private readonly serviceUrl: string,
    readonly user: TeamsUser,
    private readonly locale = 'sv-SE',
  ) {
    this.conversationId = `a:personal-${user.aadObjectId}`;
  }

  async say(text: string, id?: string): Promise<number> {
    const res = await postActivity(
      `${this.botUrl}/api/messages`,
      personalMessage({
        serviceUrl: this.serviceUrl,
        tenantId: DEMO_TENANT,
        from: this.user,
        text,
        conversationId: this.conversationId,
        locale: this.locale,
        id,
      }),
    );
    return res.status;
  }

  /** Clicks an Action.Execute button; returns the card Teams would show in its place. */
  async click(verb: string, data: Record<string, unknown> = {}, id?: string): Promise<{ status: number; card: Card }> {
    const res = await postActivity(
      `${this.botUrl}/api/messages`,
      actionExecute({
        serviceUrl: this.serviceUrl,
        tenantId: DEMO_TENANT,
        from: this.user,
        verb,
        data,
        conversationId: this.conversationId,
        locale: this.locale,
        id,
      }),
    );
    const body = res.body as { value?: Card } | undefined;
    return { status: res.status, card: body?.value ?? {} };
  }
}

/** Text as a card shows it: markdown's backslash escapes (cards/render.ts `escapeMarkdown`) removed. */
const asShown = (text: string): string => text.replace(/\\([\\*_`[\]~\-+#>.])/g, '$1');

/**
 * All text of a card (TextBlocks, labels, facts, action titles) for assertions, one per line, as
 * the card shows it.
 */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      for (const k of ['text', 'label', 'title', 'value', 'placeholder'])
        if (typeof o[k] === 'string') out.push(asShown(o[k] as string));
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(card);
  return out.join('\n');
}

/** The appId carried in a card's actions (the wizard puts it in every action's data). */
export function appIdOf(card: unknown): string {
  const m = /"appId":"([0-9a-f-]{36})"/.exec(JSON.stringify(card));
  if (!m) throw new Error(`no appId in card: ${JSON.stringify(card).slice(0, 400)}`);
  return m[1];
}

/** The card in the last message the fake connector received. */
export function cardOfCall(call: { activity?: unknown; body?: unknown }): Card {
  const a = (call.activity ?? call.body) as { attachments?: { content?: Card }[] };
  return a?.attachments?.[0]?.content ?? {};
}
