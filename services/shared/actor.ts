/** Who is acting: authorisation is decided on aadObjectId only, never on names. */
export interface Actor {
  aadObjectId: string;
  name: string;
  tenantId?: string;
  locale: Locale;
}

export type Locale = 'sv' | 'en';

/** Swedish unless the client says English. */
export function localeOf(raw: string | undefined | null): Locale {
  return raw && raw.toLowerCase().startsWith('en') ? 'en' : 'sv';
}
