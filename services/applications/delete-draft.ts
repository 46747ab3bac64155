import { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { ApplicationDoc } from './application';
import { getOwnApplication } from './get-own-application';

export interface DeleteDraftResult {
  /** The draft as it was before it was deleted (its title for the answer). */
  app: ApplicationDoc;
  /** False when the draft was already gone (a repeated click): nothing happened this time. */
  deleted: boolean;
}

/**
 * "Ta bort utkast": the applicant removes a draft that was never submitted (nothing public exists
 * yet, so nothing is kept but the audit line). Submitted applications are withdrawn instead.
 */
export async function deleteDraft(
  s: Pick<Services, 'applications' | 'audit' | 'clock'>,
  actor: Actor,
  appId: unknown,
  activityId?: string,
): Promise<DeleteDraftResult> {
  const app = await getOwnApplication(s, actor, appId);
  if (app.status !== 'draft' || app.regNo) {
    throw new DomainError('invalid_state', 'not a draft', {
      status: app.status,
      reason: 'not_draft',
    });
  }
  const deleted = await s.applications.deleteWhere({
    _id: app._id,
    status: 'draft',
    version: app.version,
  });
  if (!deleted) {
    if (await s.applications.get(app._id)) throw new DomainError('conflict', 'changed meanwhile');
    return { app, deleted: false };
  }
  await s.audit.append({
    at: s.clock().toISOString(),
    actorId: app.ownerId,
    actorName: actor.name,
    action: 'application.draft_deleted',
    entityType: 'application',
    entityId: app._id,
    before: { status: 'draft', title: app.inputs.title ?? '', step: app.step },
    after: { status: 'deleted' },
    activityId,
  });
  return { app, deleted: true };
}
