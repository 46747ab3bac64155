/**
 * The demo's "Teams": one local server that is both
 *  - the Bot Connector for the bot (every demo activity carries this server as `serviceUrl`, so
 *    every send, reply, update and thread the bot makes lands here, whoever it is meant for), and
 *  - a Teams-like web page (demo/) where one browser window acts as any demo person: their
 *    personal chat with the bot, the team's General channel and the review channel with threads.
 *
 * The conversations live here (and in `stateFile`, so a restart keeps them next to the bot's
 * store). A channel post reaches every member because the page shows the one stored channel to
 * everyone, as Teams does. People's actions are sent to the bot as the Teams-shaped activities the
 * tests build (test/support/activities.ts); connector paths are parsed by the same `route()` as
 * the fake connector of the integration tests. The bot does not know it is a demo.
 * See docs/demo.md.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Activity, Attachment } from 'botbuilder';
import {
  actionExecute,
  botAccount,
  channelMessage,
  conversationUpdate,
  installationUpdate,
  personalMessage,
  postActivity,
  type ChannelLocation,
  type TeamsActivity,
} from '../test/support/activities';
import { route, toTeamsAccount } from '../test/support/fake-connector';
import type { DemoPerson } from './demo-config';

/** One message in a demo conversation (a personal chat, or a channel post or thread reply). */
export interface DemoMessage {
  id: string;
  /** The personal chat id, or the channel id. */
  conversationId: string;
  /** For a reply in a channel thread: the thread's root message id. */
  threadId?: string;
  /** The person's Teams id, or the bot's id. */
  fromId: string;
  fromName: string;
  fromBot: boolean;
  text?: string;
  attachments?: Attachment[];
  timestamp: string;
  /** Raised by every update of the message (the page re-renders and refreshes user views). */
  version: number;
  deleted?: boolean;
  /** Arrival order. */
  seq: number;
}

/** The channel of the demo team. */
export interface DemoChannel {
  id: string;
  name: string;
}

/** Options of {@link startDemoServer}. */
export interface DemoServerOptions {
  /** The bot's messaging endpoint, e.g. `http://127.0.0.1:3978/api/messages`. */
  botEndpoint: string;
  tenantId: string;
  team: { id: string; name: string; aadGroupId?: string; channels: DemoChannel[] };
  people: DemoPerson[];
  /** The bot app id used in `recipient` (`28:<id>`). */
  botAppId?: string;
  botName?: string;
  port?: number;
  host?: string;
  /** JSON file keeping the conversations across restarts (none: memory only). */
  stateFile?: string;
  /** Locale every activity reports (Teams reports the user's client language). Default sv-SE. */
  locale?: string;
}

/** A running demo server. */
export interface DemoServer {
  /** The page, e.g. `http://127.0.0.1:3979/`. */
  url: string;
  /** What demo activities carry as `serviceUrl` (the same server). */
  serviceUrl: string;
  port: number;
  /** Every stored message (for tests and diagnostics). */
  messages(): DemoMessage[];
  /**
   * Installs the app for every person and in the team, as an admin's rollout would: the bot gets
   * each personal chat's and the team's conversation reference (and welcomes each person).
   */
  installAll(): Promise<void>;
  stop(): Promise<void>;
}

const BOT_NAME = 'Projektkontoret';
const MAX_BODY = 1_000_000;
const LONG_POLL_MS = 25_000;

/** The demo page's static files: demo/ next to scripts/ (source) or two levels up (dist/). */
function pageDir(): string {
  const found = [
    path.resolve(__dirname, '..', 'demo'),
    path.resolve(__dirname, '..', '..', 'demo'),
  ].find((dir) => existsSync(path.join(dir, 'index.html')));
  if (!found) throw new Error('demo/index.html not found');
  return found;
}

const STATIC: Record<string, { file: () => string; type: string }> = {
  '/': { file: () => path.join(pageDir(), 'index.html'), type: 'text/html; charset=utf-8' },
  '/demo.js': {
    file: () => path.join(pageDir(), 'demo.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/demo.css': { file: () => path.join(pageDir(), 'demo.css'), type: 'text/css; charset=utf-8' },
  '/vendor/adaptivecards.min.js': {
    file: () => require.resolve('adaptivecards/dist/adaptivecards.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
};

/** Starts the demo page + Bot Connector on `host:port` (default 127.0.0.1, a free port). */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const botAppId = options.botAppId ?? 'projektkontoret-demo';
  const bot = { ...botAccount(botAppId), name: options.botName ?? BOT_NAME };
  const locale = options.locale ?? 'sv-SE';
  const people = options.people;
  const channels = options.team.channels;
  const teamId = options.team.id;
  let messages: DemoMessage[] = [];
  let seq = 0;
  // Time-based, so a page that outlived a restart of the server still sees the new state.
  let rev = Date.now();
  const waiters = new Set<() => void>();

  if (options.stateFile && existsSync(options.stateFile)) {
    try {
      const saved = JSON.parse(readFileSync(options.stateFile, 'utf8')) as {
        messages?: DemoMessage[];
      };
      messages = Array.isArray(saved.messages) ? saved.messages : [];
      seq = messages.reduce((m, x) => Math.max(m, x.seq), 0);
    } catch {
      messages = [];
    }
  }

  let saveTimer: NodeJS.Timeout | undefined;
  const save = (): void => {
    if (!options.stateFile || saveTimer) return;
    const file = options.stateFile;
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, JSON.stringify({ messages }));
      renameSync(tmp, file);
    }, 200);
  };
  const changed = (): void => {
    rev += 1;
    save();
    for (const w of [...waiters]) w();
  };

  const personById = (id: string | undefined): DemoPerson | undefined =>
    id === undefined
      ? undefined
      : people.find((p) => p.id === id || p.aadObjectId.toLowerCase() === id.toLowerCase());
  const channelById = (id: string): DemoChannel | undefined => channels.find((c) => c.id === id);

  /** Where a connector conversation id points: a personal chat, or a channel (and thread). */
  const resolve = (
    conversationId: string,
  ):
    | { kind: 'personal'; person: DemoPerson }
    | { kind: 'channel'; channel: DemoChannel; threadId?: string }
    | undefined => {
    const person = people.find((p) => p.personalChatId === conversationId);
    if (person) return { kind: 'personal', person };
    const [base, ...rest] = conversationId.split(';');
    const channel = channelById(base);
    if (!channel) return undefined;
    const thread = rest.find((r) => r.startsWith('messageid='))?.slice('messageid='.length);
    return { kind: 'channel', channel, threadId: thread || undefined };
  };

  /** The root of the thread a message belongs to (itself for a root post). */
  const rootOf = (messageId: string): string =>
    messages.find((m) => m.id === messageId)?.threadId ?? messageId;

  const store = (m: Omit<DemoMessage, 'seq' | 'version' | 'timestamp'>): DemoMessage => {
    const msg: DemoMessage = { ...m, seq: ++seq, version: 1, timestamp: new Date().toISOString() };
    messages.push(msg);
    changed();
    return msg;
  };

  const newId = (): string => `${Date.now()}${String(seq + 1).padStart(4, '0')}`;

  /** Stores what the bot sent to a conversation; undefined when the conversation is unknown. */
  const botSends = (
    conversationId: string,
    activity: Partial<Activity>,
    replyToId?: string,
  ): DemoMessage | 'ignored' | undefined => {
    const where = resolve(conversationId);
    if (!where) return undefined;
    if (activity.type !== undefined && activity.type !== 'message') return 'ignored';
    const base = {
      id: newId(),
      fromId: bot.id,
      fromName: bot.name ?? BOT_NAME,
      fromBot: true,
      text: typeof activity.text === 'string' ? activity.text : undefined,
      attachments: activity.attachments,
    };
    if (where.kind === 'personal')
      return store({ ...base, conversationId: where.person.personalChatId });
    const threadId = where.threadId ?? (replyToId ? rootOf(replyToId) : undefined);
    return store({ ...base, conversationId: where.channel.id, threadId });
  };

  const membersOf = (conversationId: string): DemoPerson[] | undefined => {
    if (conversationId === teamId) return people;
    const where = resolve(conversationId);
    if (!where) return undefined;
    return where.kind === 'personal' ? [where.person] : people;
  };
  const account = (p: DemoPerson): Record<string, unknown> =>
    toTeamsAccount({
      id: p.id,
      aadObjectId: p.aadObjectId,
      name: p.name,
      email: p.email,
      userPrincipalName: p.email,
      tenantId: options.tenantId,
    });

  type Answer = { status: number; body: unknown };
  const notFound = (code: string, what: string): Answer => ({
    status: 404,
    body: { error: { code, message: `${code}: ${what}` } },
  });

  /** The Bot Connector REST API v3, as far as the bot uses it. */
  const connector = (
    method: string,
    pathname: string,
    query: URLSearchParams,
    body: unknown,
  ): Answer => {
    const r = route(method, pathname);
    const activity = (body ?? {}) as Partial<Activity>;
    switch (r.kind) {
      case 'send':
      case 'reply': {
        const sent = botSends(r.conversationId!, activity, r.activityId);
        if (!sent) return notFound('ConversationNotFound', r.conversationId!);
        return { status: 200, body: { id: sent === 'ignored' ? randomUUID() : sent.id } };
      }
      case 'update': {
        const msg = messages.find((m) => m.id === r.activityId);
        if (!msg) return notFound('ActivityNotFound', r.activityId!);
        msg.text = typeof activity.text === 'string' ? activity.text : undefined;
        msg.attachments = activity.attachments;
        msg.version += 1;
        changed();
        return { status: 200, body: { id: msg.id } };
      }
      case 'delete': {
        const msg = messages.find((m) => m.id === r.activityId);
        if (!msg) return notFound('ActivityNotFound', r.activityId!);
        msg.deleted = true;
        msg.version += 1;
        changed();
        return { status: 200, body: {} };
      }
      case 'createConversation': {
        const b = (body ?? {}) as {
          isGroup?: boolean;
          channelData?: { channel?: { id?: string } };
          members?: { id?: string; aadObjectId?: string }[];
          activity?: Partial<Activity>;
        };
        const channelId = b.channelData?.channel?.id;
        if (channelId) {
          if (!channelById(channelId)) return notFound('ConversationNotFound', channelId);
          const root = botSends(channelId, b.activity ?? { type: 'message', text: '' });
          const rootId = root && root !== 'ignored' ? root.id : newId();
          return {
            status: 201,
            body: { id: `${channelId};messageid=${rootId}`, activityId: rootId },
          };
        }
        const member = b.members?.[0];
        const person = personById(member?.aadObjectId) ?? personById(member?.id);
        if (!person) return notFound('MemberNotFound', JSON.stringify(member ?? null));
        if (!b.activity) return { status: 201, body: { id: person.personalChatId } };
        const sent = botSends(person.personalChatId, b.activity);
        return {
          status: 201,
          body: {
            id: person.personalChatId,
            activityId: sent && sent !== 'ignored' ? sent.id : undefined,
          },
        };
      }
      case 'getMembers': {
        const members = membersOf(r.conversationId!);
        if (!members) return notFound('ConversationNotFound', r.conversationId!);
        return { status: 200, body: members.map(account) };
      }
      case 'getPagedMembers': {
        const members = membersOf(r.conversationId!);
        if (!members) return notFound('ConversationNotFound', r.conversationId!);
        const size = Math.max(1, Number(query.get('pageSize')) || 200);
        const start = Number(query.get('continuationToken')) || 0;
        const next = start + size < members.length ? String(start + size) : undefined;
        return {
          status: 200,
          body: {
            members: members.slice(start, start + size).map(account),
            continuationToken: next,
          },
        };
      }
      case 'getMember': {
        const member = membersOf(r.conversationId!)?.find((p) => p === personById(r.memberId));
        if (!member) return notFound('MemberNotFound', r.memberId ?? '');
        return { status: 200, body: account(member) };
      }
      case 'getTeamDetails':
        if (r.conversationId !== teamId) return notFound('TeamNotFound', r.conversationId ?? '');
        return {
          status: 200,
          body: {
            id: teamId,
            name: options.team.name,
            aadGroupId: options.team.aadGroupId,
            type: 'standard',
            memberCount: people.length,
            channelCount: channels.length,
          },
        };
      case 'getTeamChannels':
        if (r.conversationId !== teamId) return notFound('TeamNotFound', r.conversationId ?? '');
        return {
          status: 200,
          body: {
            conversations: channels.map((c) => ({
              id: c.id,
              name: c.id === teamId ? undefined : c.name,
              type: 'standard',
            })),
          },
        };
      default:
        return notFound('BadSyntax', `${method} ${pathname}`);
    }
  };

  const location = (channel: DemoChannel): ChannelLocation => ({
    teamId,
    channelId: channel.id,
    teamName: options.team.name,
    channelName: channel.id === teamId ? undefined : channel.name,
    aadGroupId: options.team.aadGroupId,
  });
  const common = (): {
    serviceUrl: string;
    tenantId: string;
    botAppId: string;
    locale: string;
  } => ({
    serviceUrl: demo.serviceUrl,
    tenantId: options.tenantId,
    botAppId,
    locale,
  });
  const toBot = async (activity: TeamsActivity): Promise<{ status: number; body: unknown }> => {
    activity.recipient = bot;
    const res = await postActivity(options.botEndpoint, activity as Partial<Activity>);
    return { status: res.status, body: res.body };
  };

  class BadRequest extends Error {}

  /** A person writes in their personal chat, posts in a channel or replies in a thread. */
  const userMessage = async (input: {
    personId?: string;
    conversationId?: string;
    threadId?: string;
    text?: string;
  }): Promise<{ status: number; body: unknown }> => {
    const person = personById(input.personId);
    const text = (input.text ?? '').trim();
    if (!person) throw new BadRequest('unknown person');
    if (!text) throw new BadRequest('empty message');
    if (text.length > 28_000) throw new BadRequest('message too long');
    const from = { id: person.id, aadObjectId: person.aadObjectId, name: person.name };
    const id = newId();
    if (input.conversationId === person.personalChatId) {
      store({
        id,
        conversationId: person.personalChatId,
        fromId: person.id,
        fromName: person.name,
        fromBot: false,
        text,
      });
      return toBot(
        personalMessage({ ...common(), id, from, text, conversationId: person.personalChatId }),
      );
    }
    const channel = input.conversationId ? channelById(input.conversationId) : undefined;
    if (!channel) throw new BadRequest('unknown conversation');
    const threadId = input.threadId ? rootOf(input.threadId) : undefined;
    if (threadId && !messages.some((m) => m.id === threadId && m.conversationId === channel.id)) {
      throw new BadRequest('unknown thread');
    }
    // In a channel the bot only hears messages that @mention it: the page always mentions it.
    const activity = channelMessage({
      ...common(),
      ...location(channel),
      id,
      from,
      text,
      mentionBot: true,
      replyToThreadId: threadId,
    });
    store({
      id,
      conversationId: channel.id,
      threadId,
      fromId: person.id,
      fromName: person.name,
      fromBot: false,
      text: activity.text,
    });
    return toBot(activity);
  };

  /** A person clicks an Action.Execute button, or their client refreshes a user-specific view. */
  const userInvoke = async (input: {
    personId?: string;
    messageId?: string;
    verb?: string;
    data?: Record<string, unknown>;
    trigger?: string;
  }): Promise<{ status: number; body: unknown; version?: number }> => {
    const person = personById(input.personId);
    const msg = messages.find((m) => m.id === input.messageId);
    if (!person) throw new BadRequest('unknown person');
    if (!msg) throw new BadRequest('unknown message');
    if (typeof input.verb !== 'string' || input.verb.length === 0) throw new BadRequest('no verb');
    const from = { id: person.id, aadObjectId: person.aadObjectId, name: person.name };
    const channel = channelById(msg.conversationId);
    if (!channel && msg.conversationId !== person.personalChatId) {
      throw new BadRequest('this person cannot see that message');
    }
    const activity = actionExecute({
      ...common(),
      from,
      verb: input.verb,
      data: input.data ?? {},
      cardActivityId: msg.id,
      ...(channel
        ? { channel: { ...location(channel), threadRootId: msg.threadId ?? msg.id } }
        : { conversationId: person.personalChatId }),
    });
    activity.value = {
      ...(activity.value as object),
      trigger: input.trigger === 'automatic' ? 'automatic' : 'manual',
    };
    const res = await toBot(activity);
    return { ...res, version: messages.find((m) => m.id === msg.id)?.version };
  };

  const installAll = async (): Promise<void> => {
    for (const person of people) {
      const from = { id: person.id, aadObjectId: person.aadObjectId, name: person.name };
      const where = { ...common(), from, conversationId: person.personalChatId };
      await toBot(installationUpdate(where));
      await toBot(conversationUpdate({ ...where, membersAdded: [from] }));
    }
    const general = channelById(teamId) ?? channels[0];
    const admin = people.find((p) => p.roles.includes('admin')) ?? people[0];
    const from = { id: admin.id, aadObjectId: admin.aadObjectId, name: admin.name };
    await toBot(installationUpdate({ ...common(), from, team: location(general) }));
    await toBot(conversationUpdate({ ...common(), from, team: location(general) }));
  };

  const readBody = (req: http.IncomingMessage): Promise<string> =>
    new Promise((resolveBody, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          reject(new BadRequest('body too large'));
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const json = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(JSON.stringify(body));
  };

  const stateAfter = (since: number, res: http.ServerResponse): void => {
    const reply = (): void => json(res, 200, { rev, messages: messages.filter((m) => !m.deleted) });
    if (rev > since) return reply();
    let timer: NodeJS.Timeout | undefined = undefined;
    const done = (): void => {
      waiters.delete(done);
      if (timer) clearTimeout(timer);
      if (!res.writableEnded) reply();
    };
    timer = setTimeout(done, LONG_POLL_MS);
    waiters.add(done);
    res.on('close', () => {
      waiters.delete(done);
      if (timer) clearTimeout(timer);
    });
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      if (u.pathname.startsWith('/v3/')) {
        const raw = await readBody(req);
        let body: unknown;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          return json(res, 400, { error: { code: 'BadSyntax', message: 'body is not JSON' } });
        }
        const answer = connector(method, u.pathname, u.searchParams, body);
        return json(res, answer.status, answer.body);
      }
      const file = method === 'GET' ? STATIC[u.pathname] : undefined;
      if (file) {
        res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
        res.end(readFileSync(file.file()));
        return;
      }
      if (method === 'GET' && u.pathname === '/favicon.ico') {
        res.writeHead(204);
        res.end();
        return;
      }
      if (method === 'GET' && u.pathname === '/api/config') {
        return json(res, 200, {
          bot: { id: bot.id, name: bot.name },
          team: { id: teamId, name: options.team.name },
          channels,
          people: people.map((p) => ({
            id: p.id,
            aadObjectId: p.aadObjectId,
            name: p.name,
            roles: p.roles,
            organisation: p.organisation,
            personalChatId: p.personalChatId,
          })),
        });
      }
      if (method === 'GET' && u.pathname === '/api/state') {
        return stateAfter(Number(u.searchParams.get('since')) || 0, res);
      }
      if (method === 'POST' && (u.pathname === '/api/message' || u.pathname === '/api/invoke')) {
        const raw = await readBody(req);
        let input: Record<string, unknown>;
        try {
          input = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          throw new BadRequest('body is not JSON');
        }
        const result =
          u.pathname === '/api/message'
            ? await userMessage(input as Parameters<typeof userMessage>[0])
            : await userInvoke(input as Parameters<typeof userInvoke>[0]);
        return json(res, 200, result);
      }
      json(res, 404, { error: 'not found' });
    } catch (err) {
      if (err instanceof BadRequest) return json(res, 400, { error: err.message });
      json(res, 502, { error: `the bot did not answer: ${(err as Error).message}` });
    }
  };

  const server = http.createServer((req, res) => void handle(req, res));
  // The bot's connector client reuses connections; keep them open longer than it idles so a reused
  // connection is never one the server is just closing (a reset).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}/`;
  const demo: DemoServer = {
    url,
    serviceUrl: url,
    port,
    messages: () => messages,
    installAll,
    stop: () =>
      new Promise<void>((done) => {
        if (saveTimer) {
          clearTimeout(saveTimer);
          saveTimer = undefined;
          if (options.stateFile) writeFileSync(options.stateFile, JSON.stringify({ messages }));
        }
        for (const w of [...waiters]) w();
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
  return demo;
}
