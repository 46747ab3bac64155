import { DateTime } from 'luxon';
import { notifyOffice } from '../notifications/notify-office';
import { Services } from '../services';
import { Actor } from '../shared/actor';
import { STOCKHOLM_ZONE } from '../shared/dates';
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

/** The office notice when an applicant found nothing to apply to; template of the outbox card. */
export const NO_OPEN_PORTFOLIO_NOTICE = 'office-no-open-portfolio';

export type StartResult = { ok: true; app: ApplicationDoc } | { ok: false; reason: 'no_open_portfolio' };

/**
 * Opens a draft only when there is an open portfolio to apply to. With none (a fresh install,
 * or every portfolio closed) no draft is made: the applicant is told, and the project office
 * gets one notice a day (the outbox id carries the Stockholm date) saying someone tried.
 */
export async function startApplicationIfOpen(
  s: Pick<Services, 'applications' | 'audit' | 'clock' | 'portfolios' | 'settings' | 'users' | 'outbox'>,
  actor: Actor,
  prefill: Prefill,
  activityId?: string,
): Promise<StartResult> {
  if ((await s.portfolios.offered()).length === 0) {
    const day = DateTime.fromJSDate(s.clock(), { zone: STOCKHOLM_ZONE }).toISODate();
    await notifyOffice(s, `no-open-portfolio:${day}`, {
      card: { template: NO_OPEN_PORTFOLIO_NOTICE, model: { applicant: actor.name, day } },
    });
    return { ok: false, reason: 'no_open_portfolio' };
  }
  return { ok: true, app: await startApplication(s, actor, prefill, activityId) };
}
