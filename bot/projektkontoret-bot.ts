import {
  AdaptiveCardInvokeResponse,
  AdaptiveCardInvokeValue,
  TeamsActivityHandler,
  TurnContext,
} from 'botbuilder';
import { refusalCard } from '../cards/common-cards';
import { AdaptiveCard } from '../cards/render';
import { fmt, strings } from '../cards/strings';
import { channelKey, personalKey } from '../services/conversations/conversation-repository';
import { TURN_FAILED_KEY, turnLogOf } from '../services/logging/turn-logger';
import { Actor, localeOf } from '../services/shared/actor';
import { DomainError } from '../services/shared/domain-error';
import { matchCommand } from './commands';
import { helpFor } from './help';
import { MESSAGE_FALLBACKS } from './message-fallbacks';
import { guardCard, sendCard } from './send';
import { BotDeps } from './handler-types';
import { resolveActorName } from './profile';
import { ACTOR_NAME_KEY, actorOf, channelIdOf, scopeOf, teamIdOf, tenantOf } from './turn';
import { VERB_TABLE } from './verbs';

const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** The Teams edge: stores where a conversation is, then hands each command or verb to its handler. */
export class ProjektkontoretBot extends TeamsActivityHandler {
  /** Last profile written per user, so a busy user does not cost a write per message. */
  private readonly seenProfiles = new Map<string, string>();

  constructor(private readonly deps: BotDeps) {
    super();
    deps.rememberLanguage ??= (aadObjectId, locale) => this.rememberLanguage(aadObjectId, locale);
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.welcome(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const botAdded = (context.activity.membersAdded ?? []).some((m) => m.id === botId);
      if (botAdded && scopeOf(context.activity) === 'personal') await this.welcome(context);
      await next();
    });
  }

  async run(context: TurnContext): Promise<void> {
    await this.remember(context);
    await this.applyLanguage(context);
    await super.run(context);
  }

  /** Chosen language per person (from `språk`/`language`), cached; null = none chosen. */
  private readonly languages = new Map<string, 'sv' | 'en' | null>();

  /** Remembers a person's language choice for this process (the store has it for the others). */
  rememberLanguage(aadObjectId: string, locale: 'sv' | 'en'): void {
    this.languages.set(aadObjectId, locale);
  }

  /**
   * Decides the reply language once per turn: the person's own choice, else the deployment's
   * override, else the Teams client's locale, else Swedish. Everything downstream reads it.
   */
  private async applyLanguage(context: TurnContext): Promise<void> {
    const actor = actorOf(context);
    let chosen: 'sv' | 'en' | null | undefined = actor ? this.languages.get(actor.aadObjectId) : null;
    if (actor && chosen === undefined) {
      chosen = (await this.deps.services.users.get(actor.aadObjectId))?.localePreference ?? null;
      this.languages.set(actor.aadObjectId, chosen);
    }
    const locale = chosen ?? this.deps.config.localeOverride ?? localeOf(context.activity.locale);
    context.activity.locale = locale === 'en' ? 'en-US' : 'sv-SE';
  }

  /** Stores the conversation reference (for proactive messages) and the user's profile facts. */
  private async remember(context: TurnContext): Promise<void> {
    const s = this.deps.services;
    const a = context.activity;
    const now = s.clock();
    const actorId = actorOf(context)?.aadObjectId;
    let learnedName = false;
    if (actorId) {
      const resolved = await resolveActorName(context, s, actorId);
      if (resolved.name) context.turnState.set(ACTOR_NAME_KEY, resolved.name);
      learnedName = resolved.learned;
    }
    const ref = TurnContext.getConversationReference(a);
    if (!ref.serviceUrl || !ref.conversation?.id || !ref.bot?.id) return;
    const reference = {
      serviceUrl: ref.serviceUrl,
      channelId: ref.channelId ?? 'msteams',
      conversation: {
        id: ref.conversation.id,
        conversationType: ref.conversation.conversationType,
        tenantId: tenantOf(a),
        isGroup: ref.conversation.isGroup,
      },
      bot: { id: ref.bot.id, name: ref.bot.name },
      user: ref.user ? { id: ref.user.id, name: ref.user.name, aadObjectId: ref.user.aadObjectId } : undefined,
      locale: a.locale,
    };
    const scope = scopeOf(a);
    const actor = actorOf(context);
    if (scope === 'personal' && actor) {
      await s.conversations.save(
        { _id: personalKey(actor.aadObjectId), kind: 'personal', aadObjectId: actor.aadObjectId, tenantId: actor.tenantId, reference },
        now,
      );
    } else if (scope === 'channel') {
      const channelId = channelIdOf(a);
      if (channelId) {
        await s.conversations.save(
          {
            _id: channelKey(channelId),
            kind: 'channel',
            channelId,
            teamId: teamIdOf(a),
            tenantId: tenantOf(a),
            reference: { ...reference, conversation: { ...reference.conversation, id: channelId }, user: undefined },
          },
          now,
        );
      }
    }
    if (actor) {
      const fingerprint = `${actor.name}|${a.locale ?? ''}|${actor.tenantId ?? ''}`;
      if (this.seenProfiles.get(actor.aadObjectId) !== fingerprint) {
        await s.users.upsertProfile(
          actor.aadObjectId,
          { name: learnedName ? actor.name : undefined, locale: a.locale, tenantId: actor.tenantId },
          now,
        );
        if (this.seenProfiles.size > 50_000) this.seenProfiles.clear();
        this.seenProfiles.set(actor.aadObjectId, fingerprint);
      }
    }
  }

  /** Welcomes a person once in personal chat (Teams and the Playground announce installs repeatedly). */
  private async welcome(context: TurnContext): Promise<void> {
    if (scopeOf(context.activity) !== 'personal') return;
    const actor = actorOf(context);
    if (!actor || !(await this.deps.services.users.markWelcomed(actor.aadObjectId, this.deps.services.clock()))) return;
    await this.sendCard(context, await helpFor(this.deps, actor, 'personal', { welcome: true, name: actor.name }));
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const a = context.activity;
    const scope = scopeOf(a);
    const actor = actorOf(context);
    const locale = localeOf(a.locale);
    const botId = a.recipient?.id;
    const mentioned =
      scope === 'personal' ||
      (a.entities ?? []).some((e) => e.type === 'mention' && (e as { mentioned?: { id?: string } }).mentioned?.id === botId);
    if (!actor) {
      if (mentioned) await this.sendCard(context, refusalCard(locale, strings(locale).refusals.error));
      return;
    }
    const raw = typeof a.text === 'string' ? a.text : '';
    const text = raw.replace(/<at>[^<]*<\/at>/g, ' ').replace(/\s+/g, ' ').trim();
    // Card submits that arrive as messages (Action.Submit from old clients) carry no text.
    if (!text && !a.attachments?.length) return;
    const req = { deps: this.deps, actor, scope, activityId: a.id };
    try {
      const match = mentioned && text ? matchCommand(text) : null;
      if (match) {
        if (match.def.scope === 'personal' && scope !== 'personal') {
          await this.sendCard(context, refusalCard(actor.locale, strings(actor.locale).refusals.personal_only));
          return;
        }
        await match.def.handler(context, { ...req, args: match.args });
        return;
      }
      for (const fallback of MESSAGE_FALLBACKS) {
        if (await fallback(context, { ...req, text, mentioned })) return;
      }
      if (!mentioned) return;
      await this.sendCard(context, await helpFor(this.deps, actor, scope, { unknownText: text }));
    } catch (err) {
      await this.sendCard(context, this.refusalFor(err, actor, context));
    }
  }

  protected async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const locale = localeOf(context.activity.locale);
    const actor = actorOf(context);
    const t = strings(locale);
    if (!actor) return this.cardResponse(refusalCard(locale, t.refusals.error));
    const action = invokeValue?.action as { verb?: unknown; data?: unknown } | undefined;
    const verb = typeof action?.verb === 'string' ? action.verb : '';
    const def = VERB_TABLE.get(verb);
    if (!def) return this.cardResponse(refusalCard(actor.locale, t.refusals.unknown_verb));
    const scope = scopeOf(context.activity);
    if (def.scope === 'personal' && scope !== 'personal') {
      return this.cardResponse(refusalCard(actor.locale, t.refusals.personal_only));
    }
    const data =
      action?.data && typeof action.data === 'object' && !Array.isArray(action.data)
        ? (action.data as Record<string, unknown>)
        : {};
    try {
      const card = await def.handler(context, { deps: this.deps, actor, scope, data, activityId: context.activity.id });
      return this.cardResponse(guardCard(card, actor.locale, turnLogOf(context, this.deps.services.log)));
    } catch (err) {
      return this.cardResponse(this.refusalFor(err, actor, context));
    }
  }

  /** Turns a refusal into a card in the user's language; anything unexpected is logged. */
  private refusalFor(err: unknown, actor: Actor, context: TurnContext): AdaptiveCard {
    const t = strings(actor.locale);
    if (err instanceof DomainError) {
      const status = typeof err.params.status === 'string' ? t.status[err.params.status as keyof typeof t.status] : '';
      return refusalCard(actor.locale, fmt(t.refusals[err.code], { ...err.params, status }));
    }
    turnLogOf(context, this.deps.services.log).error({ err }, 'handler failed');
    context.turnState.set(TURN_FAILED_KEY, true);
    return refusalCard(actor.locale, t.refusals.error);
  }

  private cardResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
    return { statusCode: 200, type: CARD_CONTENT_TYPE, value: card };
  }

  private async sendCard(context: TurnContext, card: AdaptiveCard): Promise<void> {
    await sendCard(context, card);
  }
}
