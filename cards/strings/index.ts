import { Locale } from '../../services/shared/actor';
import { en } from './en';
import { Strings, sv } from './sv';

export type { Strings };

/** The string table for a locale. */
export function strings(locale: Locale): Strings {
  return locale === 'en' ? en : sv;
}

/** Fills {name} placeholders; unknown placeholders stay visible rather than vanish. */
export function fmt(template: string, params: Record<string, string | number | undefined> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => {
    const v = params[k];
    return v === undefined ? m : String(v);
  });
}
