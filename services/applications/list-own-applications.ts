import { Services } from '../services';
import { Actor } from '../shared/actor';
import { PageWindow, pageWindow } from '../shared/paging';
import { ApplicationDoc } from './application';

/** Applications per page of `mina ansökningar`: small enough that a card never nears 80 KB. */
export const OWN_APPLICATIONS_PAGE_SIZE = 10;

/** One page of the caller's own applications and where it sits in the whole list. */
export interface OwnApplicationsPage {
  items: ApplicationDoc[];
  window: PageWindow;
}

/**
 * `mina ansökningar`, one page: the caller's applications (drafts too), newest first. Only the
 * caller's AAD object id decides whose list it is; the store counts and reads one page by index.
 */
export async function listOwnApplications(
  s: Pick<Services, 'applications'>,
  actor: Actor,
  page: number,
): Promise<OwnApplicationsPage> {
  const ownerId = actor.aadObjectId.toLowerCase();
  const total = await s.applications.countByOwner(ownerId);
  const window = pageWindow(total, page, OWN_APPLICATIONS_PAGE_SIZE);
  const items =
    total === 0
      ? []
      : await s.applications.listByOwner(ownerId, { skip: window.skip, limit: window.limit });
  return { items, window };
}
