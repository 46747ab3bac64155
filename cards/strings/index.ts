import { Locale } from '../../services/shared/actor';
import { en } from './en';
import { Strings, sv } from './sv';

export type { Strings };

/** The string table for a locale. */
export function strings(locale: Locale): Strings {
  return locale === 'en' ? en : sv;
}

/** Number formats are costly to create: one per language. */
const COUNT_FORMAT = { sv: new Intl.NumberFormat('sv-SE'), en: new Intl.NumberFormat('en-GB') };

/** A number with the locale's digit grouping: sv "10 000" (a no-break space), en "10,000". */
export function formatCount(n: number, locale: Locale): string {
  return COUNT_FORMAT[locale].format(n);
}

/** Templates split once into text and placeholder names (odd positions), by template. */
const parsed = new Map<string, string[]>();

function partsOf(template: string): string[] {
  let parts = parsed.get(template);
  if (!parts) {
    parts = template.split(/\{(\w+)\}/);
    // String tables are finite; user text is never a template. The bound is only a safeguard.
    if (parsed.size > 5000) parsed.clear();
    parsed.set(template, parts);
  }
  return parts;
}

/** Fills {name} placeholders; unknown placeholders stay visible rather than vanish. */
export function fmt(
  template: string,
  params: Record<string, string | number | undefined> = {},
): string {
  const parts = partsOf(template);
  if (parts.length === 1) return template;
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const v = params[parts[i]];
    out += (v === undefined ? `{${parts[i]}}` : String(v)) + parts[i + 1];
  }
  return out;
}
