import { applicationsListCard, messageCard } from '../../cards/application-cards';
import { AdaptiveCard, clip, escapeMarkdown } from '../../cards/render';
import { fmt, strings } from '../../cards/strings';
import { pagingText } from '../../cards/strings/paging-strings';
import { VERBS } from '../../cards/verbs';
import { listOwnApplications } from '../../services/applications/list-own-applications';
import { Services } from '../../services/services';
import { Actor } from '../../services/shared/actor';
import { parsePageNumber } from '../../services/shared/paging';
import { VerbHandler } from '../handler-types';

/** A page number as the refusal may show it: short, plain text, never the card's raw data. */
function shownPage(raw: unknown): string {
  if (typeof raw !== 'string' && typeof raw !== 'number') return '?';
  return escapeMarkdown(clip(String(raw).replace(/\s+/g, ' '), 20));
}

/**
 * The caller's `mina ansökningar` at a page (1 when the data has none). Only reads, so a
 * redelivered click simply shows the same page again. A bad page number gets a card that says
 * so, with the way back to the first page.
 */
export async function ownApplicationsCard(
  s: Pick<Services, 'applications'>,
  actor: Actor,
  rawPage: unknown,
): Promise<AdaptiveCard> {
  const page = parsePageNumber(rawPage);
  if (page === null) {
    return messageCard({
      title: strings(actor.locale).list.title,
      lines: [
        {
          text: fmt(pagingText(actor.locale).badPage, { page: shownPage(rawPage) }),
          color: 'Attention',
        },
      ],
      actions: [{ title: pagingText(actor.locale).firstPage, verb: VERBS.applicationsList }],
    });
  }
  const { items, window } = await listOwnApplications(s, actor, page);
  return applicationsListCard(items, actor.locale, window);
}

/** `applications.page`: Föregående / Nästa on `mina ansökningar`. */
export const applicationsPage: VerbHandler = async (_context, { deps, actor, data }) =>
  ownApplicationsCard(deps.services, actor, data.page);
