import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a link to a protocol works. */
export const EXPORT_LINK_TTL_SECONDS = 15 * 60;

/** A signing secret for one process when none is configured (links then work only on this instance). */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

function mac(secret: string, path: string, exp: number): string {
  return createHmac('sha256', secret).update(`GET\n${path}\n${exp}`).digest('base64url');
}

/** The query string that makes `path` fetchable until `now + ttl`: `exp` (unix seconds) and `sig`. */
export function signPath(
  secret: string,
  path: string,
  now: Date,
  ttlSeconds = EXPORT_LINK_TTL_SECONDS,
): string {
  const exp = Math.floor(now.getTime() / 1000) + ttlSeconds;
  return `exp=${exp}&sig=${mac(secret, path, exp)}`;
}

/** A full, short-lived link: base URL + path + signature. */
export function signedUrl(
  baseUrl: string,
  path: string,
  secret: string,
  now: Date,
  ttlSeconds = EXPORT_LINK_TTL_SECONDS,
): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}?${signPath(secret, path, now, ttlSeconds)}`;
}

export type SignatureCheck = 'ok' | 'missing' | 'expired' | 'bad';

/**
 * Checks a link's signature in constant time, and that it has not expired and does not claim
 * to live longer than links are issued for.
 */
export function verifySignedPath(
  secret: string,
  path: string,
  exp: unknown,
  sig: unknown,
  now: Date,
  ttlSeconds = EXPORT_LINK_TTL_SECONDS,
): SignatureCheck {
  if (typeof exp !== 'string' || typeof sig !== 'string' || exp === '' || sig === '')
    return 'missing';
  if (!/^\d{1,12}$/.test(exp) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return 'bad';
  const expires = Number(exp);
  const given = Buffer.from(sig);
  const wanted = Buffer.from(mac(secret, path, expires));
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return 'bad';
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (expires < nowSeconds) return 'expired';
  if (expires > nowSeconds + ttlSeconds + 60) return 'bad';
  return 'ok';
}
