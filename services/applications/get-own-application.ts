import { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { ApplicationDoc } from './application';

/** Loads an application for its owner only: card data naming someone else's item is refused. */
export async function getOwnApplication(
  s: Pick<Services, 'applications'>,
  actor: Actor,
  id: unknown,
): Promise<ApplicationDoc> {
  if (typeof id !== 'string' || id.length === 0 || id.length > 100) {
    throw new DomainError('not_found', 'no such application');
  }
  const app = await s.applications.get(id);
  if (!app) throw new DomainError('not_found', 'no such application');
  if (app.ownerId !== actor.aadObjectId.toLowerCase()) {
    throw new DomainError('forbidden', 'not the owner');
  }
  return app;
}
