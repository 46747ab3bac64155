import { Locale } from '../../services/shared/actor';

/** Text for why the review card flags a possible double counting of benefit. */
const sv = {
  /** The claim the other application makes that this one shares, with the shared words. */
  sameBenefit: 'Samma nytta: ”{claim}” (gemensamma ord: {words})',
  /** Shared words only, when no single claim stands out. */
  sharedWords: 'Gemensamma ord: {words}',
};

export type DuplicateStrings = typeof sv;

const en: DuplicateStrings = {
  sameBenefit: 'Same benefit: “{claim}” (shared words: {words})',
  sharedWords: 'Shared words: {words}',
};

/** The double-counting texts in the user's language. */
export function duplicateText(locale: Locale): DuplicateStrings {
  return locale === 'en' ? en : sv;
}
