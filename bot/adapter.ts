import {
  Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  InvokeResponse,
  TurnContext,
} from 'botbuilder';
import { AuthenticateRequestResult } from 'botframework-connector';
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

/** CloudAdapter that lets the server authenticate first and then run an already-checked activity. */
export class BotAdapter extends CloudAdapter {
  async runAuthenticated(
    auth: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
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
  return new ConfigurationBotFrameworkAuthentication(options as never);
}
