/**
 * Builders for Teams-shaped inbound activities (what Teams POSTs to /api/messages), so
 * integration tests do not hand-write channelData, conversation ids and mention entities.
 * Every builder sets channelId 'msteams', channelData.tenant.id, the bot as recipient and
 * unique ids (crypto.randomUUID) unless the caller fixes them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Activity, ChannelAccount, ConversationAccount, Entity } from 'botbuilder';

/** The bot's display name, as users @mention it. */
export const BOT_NAME = 'Projektkontoret';
/** Default bot app id used in test activities (recipient id is `28:<app id>`). */
export const DEFAULT_BOT_APP_ID = 'bot-app-id';

/** A Teams user as the builders need it. */
export interface TeamsUser {
  id: string;
  aadObjectId: string;
  name: string;
}

/** An inbound activity as JSON; typed loosely because Teams omits many schema fields. */
export type TeamsActivity = Partial<Activity> &
  Pick<
    Activity,
    'type' | 'id' | 'channelId' | 'serviceUrl' | 'from' | 'recipient' | 'conversation'
  >;

/** Fields common to all builders. */
export interface BaseOptions {
  serviceUrl: string;
  tenantId: string;
  id?: string;
  /** Bot app id; recipient becomes `28:<botAppId>`. Default {@link DEFAULT_BOT_APP_ID}. */
  botAppId?: string;
  locale?: string;
  timestamp?: Date;
}

/** Options locating a channel: team + channel ids (channel ids look like `19:…@thread.tacv2`). */
export interface ChannelLocation {
  teamId: string;
  channelId: string;
  teamName?: string;
  channelName?: string;
  aadGroupId?: string;
}

/** A Teams-like channel/team id: `19:<32 hex>@thread.tacv2`. */
export function teamsThreadId(): string {
  return `19:${randomBytes(16).toString('hex')}@thread.tacv2`;
}

/** A Teams-like user id: `29:<random>`. */
export function teamsUserId(): string {
  return `29:1${randomBytes(24).toString('base64url')}`;
}

/** A Teams-like personal conversation id: `a:<random>`. */
export function personalConversationId(): string {
  return `a:1${randomBytes(30).toString('base64url')}`;
}

/** The bot's ChannelAccount as Teams puts it in `recipient`. */
export function botAccount(botAppId = DEFAULT_BOT_APP_ID): ChannelAccount {
  return { id: `28:${botAppId}`, name: BOT_NAME };
}

/** A test user with fresh ids. */
export function makeUser(name: string): TeamsUser {
  return { id: teamsUserId(), aadObjectId: randomUUID(), name };
}

function base(o: BaseOptions, from: TeamsUser | ChannelAccount, conversation: ConversationAccount) {
  const ts = o.timestamp ?? new Date();
  return {
    id: o.id ?? randomUUID(),
    channelId: 'msteams',
    serviceUrl: o.serviceUrl,
    timestamp: ts,
    localTimestamp: ts,
    locale: o.locale ?? 'sv-SE',
    from: { ...from },
    recipient: botAccount(o.botAppId),
    conversation,
  };
}

function clientInfo(locale: string): Entity {
  return {
    type: 'clientInfo',
    locale,
    country: locale.split('-')[1] ?? 'SE',
    platform: 'Web',
    timezone: 'Europe/Stockholm',
  } as Entity;
}

function channelConversation(
  o: BaseOptions,
  loc: ChannelLocation,
  threadRootId: string,
): ConversationAccount {
  return {
    isGroup: true,
    conversationType: 'channel',
    id: `${loc.channelId};messageid=${threadRootId}`,
    tenantId: o.tenantId,
    name: loc.channelName ?? '',
  } as ConversationAccount;
}

function channelData(o: BaseOptions, loc: ChannelLocation, eventType?: string) {
  return {
    ...(eventType ? { eventType } : {}),
    teamsChannelId: loc.channelId,
    teamsTeamId: loc.teamId,
    channel: { id: loc.channelId, ...(loc.channelName ? { name: loc.channelName } : {}) },
    team: {
      id: loc.teamId,
      ...(loc.teamName ? { name: loc.teamName } : {}),
      ...(loc.aadGroupId ? { aadGroupId: loc.aadGroupId } : {}),
    },
    tenant: { id: o.tenantId },
  };
}

/** Input of {@link personalMessage}. */
export interface PersonalMessageOptions extends BaseOptions {
  from: TeamsUser;
  text: string;
  /** Default: a fresh `a:…` id. Reuse one to continue a conversation. */
  conversationId?: string;
  value?: unknown;
  attachments?: Activity['attachments'];
}

/** A 1:1 (personal scope) message from a user to the bot. */
export function personalMessage(o: PersonalMessageOptions): TeamsActivity {
  const locale = o.locale ?? 'sv-SE';
  return {
    type: 'message',
    ...base(o, o.from, {
      conversationType: 'personal',
      id: o.conversationId ?? personalConversationId(),
      tenantId: o.tenantId,
    } as ConversationAccount),
    text: o.text,
    textFormat: 'plain',
    ...(o.value !== undefined ? { value: o.value } : {}),
    ...(o.attachments ? { attachments: o.attachments } : {}),
    entities: [clientInfo(locale)],
    channelData: { tenant: { id: o.tenantId } },
  };
}

/** Input of {@link channelMessage}. */
export interface ChannelMessageOptions extends BaseOptions, ChannelLocation {
  from: TeamsUser;
  text: string;
  /** Prefix `<at>Projektkontoret</at> ` and add the mention entity (Teams only delivers those). */
  mentionBot: boolean;
  /** Reply inside this thread (root message id); otherwise a new top-level post. */
  replyToThreadId?: string;
}

/** A channel post (new thread or reply in a thread), optionally @mentioning the bot. */
export function channelMessage(o: ChannelMessageOptions): TeamsActivity {
  const locale = o.locale ?? 'sv-SE';
  const id = o.id ?? randomUUID();
  const b = base({ ...o, id }, o.from, channelConversation(o, o, o.replyToThreadId ?? id));
  const mentionText = `<at>${BOT_NAME}</at>`;
  const entities: Entity[] = [clientInfo(locale)];
  if (o.mentionBot) {
    entities.unshift({ type: 'mention', text: mentionText, mentioned: b.recipient } as Entity);
  }
  return {
    type: 'message',
    ...b,
    text: o.mentionBot ? `${mentionText} ${o.text}` : o.text,
    textFormat: 'plain',
    ...(o.replyToThreadId ? { replyToId: o.replyToThreadId } : {}),
    entities,
    channelData: channelData(o, o),
  };
}

/** Input of {@link actionExecute}. */
export interface ActionExecuteOptions extends BaseOptions {
  from: TeamsUser;
  verb: string;
  data?: Record<string, unknown>;
  /** The id of the activity holding the card (Teams sends it as replyToId). */
  cardActivityId?: string;
  /** Alias of cardActivityId. */
  replyToId?: string;
  /** Personal scope conversation id (default fresh). Ignored when `channel` is given. */
  conversationId?: string;
  /** Card posted in a channel: where, and the thread root id (defaults to cardActivityId). */
  channel?: ChannelLocation & { threadRootId?: string };
}

/** An Adaptive Card Universal Action (`Action.Execute`) invoke. */
export function actionExecute(o: ActionExecuteOptions): TeamsActivity {
  const replyToId = o.cardActivityId ?? o.replyToId;
  const conversation = o.channel
    ? channelConversation(o, o.channel, o.channel.threadRootId ?? replyToId ?? randomUUID())
    : ({
        conversationType: 'personal',
        id: o.conversationId ?? personalConversationId(),
        tenantId: o.tenantId,
      } as ConversationAccount);
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    ...base(o, o.from, conversation),
    ...(replyToId ? { replyToId } : {}),
    value: {
      action: { type: 'Action.Execute', verb: o.verb, data: o.data ?? {} },
      trigger: 'manual',
    },
    entities: [clientInfo(o.locale ?? 'sv-SE')],
    channelData: o.channel
      ? channelData(o, o.channel)
      : { tenant: { id: o.tenantId }, source: { name: 'message' } },
  };
}

/** Input of {@link conversationUpdate}. */
export interface ConversationUpdateOptions extends BaseOptions {
  /** Who triggered it (the installing user). */
  from: TeamsUser;
  /** Users added; the bot is added too when `botInstalled` (default true). */
  membersAdded?: (TeamsUser | ChannelAccount)[];
  membersRemoved?: (TeamsUser | ChannelAccount)[];
  botInstalled?: boolean;
  /** Team install when given; personal otherwise. */
  team?: ChannelLocation;
  conversationId?: string;
}

/** conversationUpdate: bot installed and/or members added (personal or team). */
export function conversationUpdate(o: ConversationUpdateOptions): TeamsActivity {
  const bot = botAccount(o.botAppId);
  const added = [...((o.botInstalled ?? true) ? [bot] : []), ...(o.membersAdded ?? [])];
  const conversation = o.team
    ? ({
        isGroup: true,
        conversationType: 'channel',
        id: o.team.channelId,
        tenantId: o.tenantId,
      } as ConversationAccount)
    : ({
        conversationType: 'personal',
        id: o.conversationId ?? personalConversationId(),
        tenantId: o.tenantId,
      } as ConversationAccount);
  return {
    type: 'conversationUpdate',
    ...base(o, o.from, conversation),
    ...(added.length > 0 ? { membersAdded: added } : {}),
    ...(o.membersRemoved ? { membersRemoved: o.membersRemoved } : {}),
    channelData: o.team
      ? channelData(o, o.team, added.length > 0 ? 'teamMemberAdded' : 'teamMemberRemoved')
      : { tenant: { id: o.tenantId } },
  };
}

/** Input of {@link installationUpdate}. */
export interface InstallationUpdateOptions extends BaseOptions {
  from: TeamsUser;
  action?: 'add' | 'remove' | 'add-upgrade' | 'remove-upgrade';
  team?: ChannelLocation;
  conversationId?: string;
}

/** installationUpdate (app added/removed), personal or team scope. */
export function installationUpdate(o: InstallationUpdateOptions): TeamsActivity {
  const conversation = o.team
    ? ({
        isGroup: true,
        conversationType: 'channel',
        id: o.team.channelId,
        tenantId: o.tenantId,
      } as ConversationAccount)
    : ({
        conversationType: 'personal',
        id: o.conversationId ?? personalConversationId(),
        tenantId: o.tenantId,
      } as ConversationAccount);
  return {
    type: 'installationUpdate',
    ...base(o, o.from, conversation),
    action: o.action ?? 'add',
    channelData: o.team
      ? { ...channelData(o, o.team), source: { name: 'message' }, settings: {} }
      : { tenant: { id: o.tenantId }, source: { name: 'message' } },
  };
}

/** What {@link postActivity} returns. */
export interface PostResult {
  status: number;
  /** Parsed JSON body, or the raw text when not JSON, or undefined when empty. */
  body: unknown;
  headers: Headers;
}

/**
 * POSTs an activity to the bot's messaging endpoint like the Teams channel would. Node's fetch
 * (undici) reuses connections (keep-alive) by default; the `keepalive` fetch flag is NOT set
 * because it caps bodies at 64 KiB.
 */
export async function postActivity(
  botUrl: string,
  activity: Partial<Activity>,
  token?: string,
): Promise<PostResult> {
  const res = await fetch(botUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  let body: unknown = undefined;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, body, headers: res.headers };
}
