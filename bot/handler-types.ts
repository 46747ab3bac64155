import { TurnContext } from 'botbuilder';
import { AdaptiveCard } from '../cards/render';
import { AppConfig } from '../services/config/config';
import { Services } from '../services/services';
import { Actor } from '../services/shared/actor';
import { Prefill } from '../services/applications/start-application';
import { Scope } from './turn';

/** What every command and verb handler gets: the services, the config, and who is acting. */
export interface BotDeps {
  services: Services;
  config: AppConfig;
  lookupProfile: (context: TurnContext, actor: Actor) => Promise<Prefill>;
  /** Tells the bot's per-process language cache about a new choice. */
  rememberLanguage?: (aadObjectId: string, locale: 'sv' | 'en') => void;
}

export interface HandlerRequest {
  deps: BotDeps;
  actor: Actor;
  scope: Scope;
  activityId?: string;
}

export interface CommandRequest extends HandlerRequest {
  /** Text after the command word(s), e.g. the question after `fråga`. */
  args: string;
}

export interface VerbRequest extends HandlerRequest {
  data: Record<string, unknown>;
}

export type CommandHandler = (context: TurnContext, req: CommandRequest) => Promise<void>;
export type VerbHandler = (context: TurnContext, req: VerbRequest) => Promise<AdaptiveCard>;

export interface CommandDef {
  /** Normalised names (lower case, no accents), Swedish first; the English alias always works. */
  names: string[];
  scope: 'personal' | 'anywhere' | 'channel';
  handler: CommandHandler;
}

export interface VerbDef {
  scope: 'personal' | 'anywhere' | 'channel';
  handler: VerbHandler;
}

export interface FallbackRequest extends HandlerRequest {
  /** The message text with any @mention of the bot removed. */
  text: string;
  /** True when the bot was @mentioned (in channels Teams only delivers such messages, except with RSC). */
  mentioned: boolean;
}

/**
 * Handles a message that is not a command (a coach's reply in a question thread, an applicant's
 * answer to a coach, …). Returns true when it took the message.
 */
export type MessageFallback = (context: TurnContext, req: FallbackRequest) => Promise<boolean>;
