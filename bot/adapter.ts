import {
  Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  InvokeResponse,
  TurnContext,
} from 'botbuilder';
import {
  AuthenticateRequestResult,
  ClaimsIdentity,
  ConnectorClient,
  ConnectorFactory,
  JwtTokenValidation,
  UserTokenClient,
} from 'botframework-connector';
import { AppConfig } from '../services/config/config';

/** Endpoint overrides botbuilder reads (set in tests to point at a local OpenID server). */
const AUTH_OVERRIDES = [
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromChannelTokenIssuer',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'OAuthUrl',
  'CallerId',
  'ValidateAuthority',
] as const;

/** Connector clients kept for incoming turns (a few Teams service URLs in practice). */
const MAX_TURN_CLIENTS = 64;

/**
 * CloudAdapter that lets the server authenticate first and then run an already-checked activity.
 *
 * A turn's connector client (an HTTP client with the app's credentials, whose tokens it caches) is
 * kept and reused by later turns for the same app, service URL and audience, as botbuilder's older
 * BotFrameworkAdapter did: CloudAdapter builds a new one, with its whole request pipeline, for every
 * activity, which cost a vote about a fifth of its time. Clients the outbox makes for proactive
 * messages are not shared (it changes their pipeline).
 */
export class BotAdapter extends CloudAdapter {
  private readonly turnClients = new Map<string, Promise<ConnectorClient>>();

  async runAuthenticated(
    auth: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    const factory = auth.connectorFactory;
    if (!factory) return this.processActivity(auth, activity, logic);
    const appId = JwtTokenValidation.getAppIdFromClaims(auth.claimsIdentity.claims) ?? '';
    const clients = this.turnClients;
    const reusing: ConnectorFactory = {
      create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        const key = `${appId}|${serviceUrl}|${audience ?? ''}`;
        let client = clients.get(key);
        if (!client) {
          client = factory.create(serviceUrl, audience);
          // A client that could not be made is not kept: the next turn tries again.
          client.catch(() => clients.delete(key));
          if (clients.size >= MAX_TURN_CLIENTS) clients.delete(clients.keys().next().value!);
          clients.set(key, client);
        }
        return client;
      },
    };
    return this.processActivity({ ...auth, connectorFactory: reusing }, activity, logic);
  }
}

/**
 * Keeps one user token client per app: CloudAdapter asks for one on every turn, and each is a
 * client with its own request pipeline (this bot never signs users in, so it is never used).
 */
class ReusingAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly userTokenClients = new Map<string, Promise<UserTokenClient>>();

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const appId = JwtTokenValidation.getAppIdFromClaims(claimsIdentity.claims) ?? '';
    let client = this.userTokenClients.get(appId);
    if (!client) {
      client = super.createUserTokenClient(claimsIdentity);
      client.catch(() => this.userTokenClients.delete(appId));
      this.userTokenClients.set(appId, client);
    }
    return client;
  }
}

/** Bot Connector authentication from the app registration (botbuilder's own variable names). */
export function createAuthentication(
  config: AppConfig,
  env: NodeJS.ProcessEnv = process.env,
): ConfigurationBotFrameworkAuthentication {
  const options: Record<string, string | undefined> = {
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword,
    MicrosoftAppType: config.appType,
    MicrosoftAppTenantId: config.appTenantId,
  };
  for (const name of AUTH_OVERRIDES) if (env[name]) options[name] = env[name];
  return new ReusingAuthentication(options as never);
}
