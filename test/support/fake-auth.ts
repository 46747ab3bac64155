/**
 * A local stand-in for the Bot Framework token service, so integration tests can run the bot
 * with authentication ON (MicrosoftAppId set) and send it signed, expired, forged or
 * wrong-audience tokens (see TOOLCHAIN.md, "auth in tests").
 *
 * Inbound (channel → bot): serves OpenID metadata and a JWKS whose key is endorsed for
 * `msteams`; `envFor(appId)` points botbuilder's ConfigurationBotFrameworkAuthentication here.
 *
 * Outbound (bot → connector) — findings for botbuilder 4.23.3:
 * - The SDK gets its outbound token from MSAL (`@azure/msal-node` 2.16.x, via
 *   `MsalAppCredentials`), with `authority = ToChannelFromBotLoginUrl`. MSAL refuses any
 *   authority that is not `https:` (`authority_uri_insecure`), so an http loopback token
 *   endpoint cannot be used through the env configuration.
 * - Even over https, MSAL first performs instance discovery against the hard-coded
 *   `https://login.microsoftonline.com/common/discovery/instance` for any host that is not a
 *   known Microsoft host, because botbuilder constructs `ConfidentialClientApplication`
 *   without `knownAuthorities`/`cloudDiscoveryMetadata` (and ignores `ValidateAuthority` for
 *   MSAL). Offline that fails with `untrusted_authority`. Making it work would need
 *   process-wide TLS trust plus DNS/agent interception of login.microsoftonline.com: rejected
 *   as too invasive for shared test workers.
 * - What works instead: botbuilder checks its own static token cache (`AppCredentials.cache`,
 *   key `${appId}${scope}-cache`) before calling MSAL. {@link FakeAuth.primeOutboundToken}
 *   puts a token signed by this server there, so the bot's replies reach the fake connector
 *   with `Authorization: Bearer <that token>` and no network call to any login host.
 * - The server also answers `POST /{tenant}/oauth2/v2.0/token` (client_credentials) over
 *   http, for code that fetches tokens itself (e.g. a custom ServiceClientCredentialsFactory).
 */
import { generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { AppCredentials } from 'botframework-connector';

/** Issuer Bot Framework channel tokens carry (and botbuilder expects by default). */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
/** Default outbound scope (audience of bot → connector tokens). */
export const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com';

/** Claims of a test channel token (channel → bot). */
export interface TokenOptions {
  /** Becomes `aud` unless `audience` is given. */
  appId: string;
  /** Must equal the activity's serviceUrl for botbuilder to accept the token. */
  serviceUrl: string;
  /** Lifetime in seconds (default 3600). Negative = already expired that long ago. */
  expiresInSec?: number;
  audience?: string;
  issuer?: string;
  kid?: string;
  /** Extra claims merged into the payload. */
  claims?: Record<string, unknown>;
}

/** A recorded call to the fake token endpoint. */
export interface TokenRequest {
  at: number;
  path: string;
  form: Record<string, string>;
}

/** Handle on a running fake auth server. */
export interface FakeAuth {
  /** Base url, no trailing slash. */
  readonly url: string;
  /** Channel OpenID metadata url (`ToBotFromChannelOpenIdMetadataUrl`). */
  readonly openIdMetadataUrl: string;
  readonly jwksUrl: string;
  /** The kid of the published signing key. */
  readonly kid: string;
  /** Every request path served, for asserting the SDK fetched metadata/keys here. */
  readonly requests: string[];
  readonly tokenRequests: TokenRequest[];
  /** A valid channel token (RS256, published key). */
  signToken(options: TokenOptions): string;
  /** Same header kid, signed by an unpublished key: signature check fails. */
  forgedToken(options: TokenOptions): string;
  /** Expired 1 h ago (beyond botbuilder's 5 min clock tolerance). */
  expiredToken(options: TokenOptions): string;
  /** Env/config for ConfigurationBotFrameworkAuthentication pointing here (all keys set). */
  envFor(appId: string): Record<string, string>;
  /**
   * Puts a token signed here into botbuilder's static outbound token cache for
   * (appId, scope), so the bot can send to the fake connector with auth on. Returns it.
   */
  primeOutboundToken(appId: string, scope?: string, serviceUrl?: string): string;
  /** Removes what {@link primeOutboundToken} put in the SDK cache. */
  clearOutboundToken(appId: string, scope?: string): void;
  stop(): Promise<void>;
}

interface Jwk {
  kty: string;
  n: string;
  e: string;
}

/** Starts the fake auth server on 127.0.0.1 with a random port (fresh port = fresh SDK key cache). */
export async function startFakeAuth(): Promise<FakeAuth> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `fake-${randomUUID()}`;
  const jwk = publicKey.export({ format: 'jwk' }) as Jwk;
  const requests: string[] = [];
  const tokenRequests: TokenRequest[] = [];
  let url = '';

  const sign = (key: KeyObject, o: TokenOptions): string => {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (o.expiresInSec ?? 3600);
    const payload = {
      serviceurl: o.serviceUrl,
      nbf: Math.min(now, exp) - 300,
      iat: Math.min(now, exp) - 300,
      exp,
      ...o.claims,
    };
    return jwt.sign(payload, key, {
      algorithm: 'RS256',
      keyid: o.kid ?? kid,
      issuer: o.issuer ?? BOT_FRAMEWORK_ISSUER,
      audience: o.audience ?? o.appId,
      noTimestamp: true,
    });
  };

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      requests.push(`${req.method} ${path}`);
      if (req.method === 'GET' && path.endsWith('/.well-known/keys')) {
        return json(res, 200, {
          keys: [{ ...jwk, kid, use: 'sig', alg: 'RS256', endorsements: ['msteams'] }],
        });
      }
      if (req.method === 'GET' && /\/\.well-known\/openid-?configuration$/.test(path)) {
        const tenant = path.split('/')[1] ?? 'botframework.com';
        return json(res, 200, {
          issuer: BOT_FRAMEWORK_ISSUER,
          authorization_endpoint: `${url}/${tenant}/oauth2/v2.0/authorize`,
          token_endpoint: `${url}/${tenant}/oauth2/v2.0/token`,
          jwks_uri: `${url}/v1/.well-known/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_post'],
        });
      }
      const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
      if (req.method === 'POST' && tokenPath) {
        const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
        tokenRequests.push({ at: Date.now(), path, form });
        if (form.grant_type !== 'client_credentials' || !form.client_id) {
          return json(res, 400, { error: 'unsupported_grant_type' });
        }
        const scope = (form.scope ?? BOT_FRAMEWORK_SCOPE).replace(/\/\.default$/, '');
        const token = sign(privateKey, {
          appId: form.client_id,
          audience: scope,
          serviceUrl: '',
          issuer: `${url}/${tokenPath[1]}/v2.0`,
          claims: { appid: form.client_id, azp: form.client_id, ver: '2.0' },
        });
        return json(res, 200, {
          token_type: 'Bearer',
          expires_in: 3600,
          ext_expires_in: 3600,
          access_token: token,
        });
      }
      return json(res, 404, { error: 'not_found', path });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const openIdMetadataUrl = `${url}/v1/.well-known/openidconfiguration`;

  /** botbuilder's private static token cache (AppCredentials.cache), reached on purpose. */
  const sdkTokenCache = (
    AppCredentials as unknown as {
      cache: Map<string, { accessToken: string; expiresOn: Date }>;
    }
  ).cache;

  return {
    url,
    openIdMetadataUrl,
    jwksUrl: `${url}/v1/.well-known/keys`,
    kid,
    requests,
    tokenRequests,
    signToken: (o) => sign(privateKey, o),
    forgedToken: (o) => sign(forger.privateKey, o),
    expiredToken: (o) => sign(privateKey, { ...o, expiresInSec: -3600 }),
    envFor: (appId) => ({
      MicrosoftAppId: appId,
      MicrosoftAppPassword: 'fake-secret-not-used',
      MicrosoftAppType: 'MultiTenant',
      MicrosoftAppTenantId: '',
      ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl,
      ToBotFromChannelTokenIssuer: BOT_FRAMEWORK_ISSUER,
      ToBotFromEmulatorOpenIdMetadataUrl: `${url}/v2.0/.well-known/openid-configuration`,
      ToChannelFromBotLoginUrl: `${url}/botframework.com`,
      ToChannelFromBotOAuthScope: BOT_FRAMEWORK_SCOPE,
      OAuthUrl: `${url}/oauth`,
      CallerId: 'urn:botframework:azure',
      ValidateAuthority: 'false',
    }),
    primeOutboundToken: (appId, scope = BOT_FRAMEWORK_SCOPE, serviceUrl = '') => {
      const accessToken = sign(privateKey, {
        appId,
        audience: scope,
        serviceUrl,
        claims: { appid: appId },
      });
      // botbuilder subtracts nothing on read; it only checks expiresOn > now.
      sdkTokenCache.set(`${appId}${scope}-cache`, {
        accessToken,
        expiresOn: new Date(Date.now() + 3_600_000),
      });
      return accessToken;
    },
    clearOutboundToken: (appId, scope = BOT_FRAMEWORK_SCOPE) => {
      sdkTokenCache.delete(`${appId}${scope}-cache`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
