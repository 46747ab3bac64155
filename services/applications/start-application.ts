import { Services } from '../services';
import { Actor } from '../shared/actor';
import { newId } from '../shared/ids';
import { ApplicationDoc } from './application';

/** Profile facts used to prefill the first step (from Graph or Teams member info). */
export interface Prefill {
  organisation?: string;
  contactName?: string;
  contactEmail?: string;
}

/** Opens a new draft for the applicant, prefilled from their profile and always editable. */
export async function startApplication(
  s: Pick<Services, 'applications' | 'audit' | 'clock'>,
  actor: Actor,
  prefill: Prefill,
  activityId?: string,
): Promise<ApplicationDoc> {
  const now = s.clock().toISOString();
  const inputs: Record<string, string> = {};
  if (prefill.organisation) inputs.organisation = prefill.organisation;
  inputs.contactName = prefill.contactName ?? actor.name;
  if (prefill.contactEmail) inputs.contactEmail = prefill.contactEmail;
  const app: ApplicationDoc = {
    _id: newId(),
    ownerId: actor.aadObjectId.toLowerCase(),
    ownerName: actor.name,
    tenantId: actor.tenantId,
    status: 'draft',
    inputs,
    step: 0,
    reached: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await s.applications.insert(app);
  await s.audit.append({
    at: now,
    actorId: app.ownerId,
    actorName: actor.name,
    action: 'application.created',
    entityType: 'application',
    entityId: app._id,
    after: { status: 'draft', inputs },
    activityId,
  });
  return app;
}
