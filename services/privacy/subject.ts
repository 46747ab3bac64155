import type { Services } from '../services';
import { DomainError } from '../shared/domain-error';
import type { UserDoc } from '../users/user-repository';

/** The person a personal-data request is about, as far as the bot can identify them. */
export interface Subject {
  /** AAD object id (lower case), when known: the key of almost everything stored. */
  aadObjectId: string | null;
  /** E-mail addresses (lower case) that name the person in applications (contact, owner). */
  emails: string[];
  /** The name the bot knows, for the admin's card only (never written to the audit log). */
  name?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]{1,100}@[^\s@]{1,100}\.[^\s@]{1,50}$/;

/** True when the text is an AAD object id (a GUID). */
export function isAadObjectId(text: string): boolean {
  return GUID.test(text.trim());
}

/**
 * Identifies the person from an AAD object id or an e-mail address. An e-mail address the bot
 * knows from a profile also gives the AAD object id; an unknown one still finds applications
 * that name it as contact or owner.
 */
export async function resolveSubject(
  s: Pick<Services, 'users' | 'store'>,
  raw: unknown,
): Promise<Subject> {
  const text =
    typeof raw === 'string' ? raw.trim().replace(/^<mailto:([^|>]+)\|?[^>]*>$/i, '$1') : '';
  let user: UserDoc | null = null;
  let aad: string | null = null;
  const emails = new Set<string>();
  if (isAadObjectId(text)) {
    aad = text.toLowerCase();
    user = await s.users.get(aad);
  } else if (EMAIL.test(text)) {
    emails.add(text.toLowerCase());
    user = await s.users.byEmail(text);
    aad = user?._id ?? null;
  } else {
    throw new DomainError('invalid_input', 'give an AAD object id or an e-mail address', {
      reason: 'subject',
    });
  }
  if (user?.email) emails.add(user.email.toLowerCase());
  return { aadObjectId: aad, emails: [...emails], ...(user?.name ? { name: user.name } : {}) };
}
