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
