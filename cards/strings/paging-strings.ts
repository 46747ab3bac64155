import { Locale } from '../../services/shared/actor';

/** Swedish text for paged lists on cards, and for a card the size guard had to shorten. */
const sv = {
  showing: 'Visar {from}–{to} av {total}',
  previous: 'Föregående',
  next: 'Nästa',
  firstPage: 'Till första sidan',
  badPage: 'Sidan ”{page}” finns inte. Sidor numreras från 1 – börja om från första sidan.',
  truncated:
    'Kortet blev för stort för Teams och har kortats. Det som saknas visas inte här – be projektkontoret om hjälp om du behöver det.',
};

export type PagingStrings = typeof sv;

const en: PagingStrings = {
  showing: 'Showing {from}–{to} of {total}',
  previous: 'Previous',
  next: 'Next',
  firstPage: 'To the first page',
  badPage:
    'There is no page “{page}”. Pages are numbered from 1 – start again from the first page.',
  truncated:
    'The card was too large for Teams and has been shortened. What is missing is not shown here – ask the project office if you need it.',
};

/** The paging strings for a locale. */
export function pagingText(locale: Locale): PagingStrings {
  return locale === 'en' ? en : sv;
}
