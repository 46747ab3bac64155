import { Services } from '../services';
import { notifyOffice } from '../notifications/notify-office';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { ApplicationDoc, DECIDED } from './application';
import { getOwnApplication } from './get-own-application';

/** Withdraws the applicant's own application; possible until a decision has been made. */
export async function withdrawApplication(
  s: Services,
  actor: Actor,
  appId: unknown,
  activityId?: string,
): Promise<ApplicationDoc> {
  const app = await getOwnApplication(s, actor, appId);
  if (app.status === 'withdrawn') return app;
  if (DECIDED.has(app.status)) throw new DomainError('invalid_state', 'decided', { status: app.status });
  const now = s.clock().toISOString();
  const updated = await s.applications.update(
    { _id: app._id, status: app.status },
    { $set: { status: 'withdrawn', withdrawnAt: now, updatedAt: now } },
  );
  if (!updated) throw new DomainError('conflict', 'changed meanwhile');
  await s.audit.append({
    at: now,
    actorId: app.ownerId,
    actorName: actor.name,
    action: 'application.withdrawn',
    entityType: 'application',
    entityId: app._id,
    before: { status: app.status },
    after: { status: 'withdrawn' },
    activityId,
  });
  if (app.regNo) {
    await notifyOffice(s, `application-withdrawn:${app._id}`, {
      card: {
        template: 'office-withdrawn-notice',
        model: { regNo: app.regNo, title: app.data?.title ?? app.inputs.title, applicant: app.ownerName },
      },
    });
  }
  return updated;
}
