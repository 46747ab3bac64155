import { ClientSecretCredential, TokenCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';

/** Profile facts Graph knows about a member of staff. */
export interface GraphProfile {
  displayName?: string;
  mail?: string;
  department?: string;
  companyName?: string;
  jobTitle?: string;
}

export type GraphProfileLookup = (aadObjectId: string) => Promise<GraphProfile | null>;

/**
 * Reads a user's profile from Microsoft Graph with the bot's app registration (application
 * permission User.Read.All) to prefill the application's organisation and contact.
 */
export function createGraphProfileLookup(opts: {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Another Graph endpoint (national clouds; a local fake in tests). */
  baseUrl?: string;
  /** Another credential (tests); default: the app registration's client secret. */
  credential?: TokenCredential;
}): GraphProfileLookup {
  const credential = opts.credential ?? new ClientSecretCredential(opts.tenantId, opts.clientId, opts.clientSecret);
  const authProvider = new TokenCredentialAuthenticationProvider(credential, {
    scopes: ['https://graph.microsoft.com/.default'],
  });
  const customHosts = opts.baseUrl ? new Set([new URL(opts.baseUrl).hostname]) : undefined;
  const client = Client.initWithMiddleware({ authProvider, baseUrl: opts.baseUrl, customHosts });
  return async (aadObjectId) => {
    if (!/^[0-9a-f-]{36}$/i.test(aadObjectId)) return null;
    const user = (await client
      .api(`/users/${aadObjectId}`)
      .select(['displayName', 'mail', 'department', 'companyName', 'jobTitle'])
      .get()) as GraphProfile;
    return user ?? null;
  };
}
