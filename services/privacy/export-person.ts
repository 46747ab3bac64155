import { DateTime } from 'luxon';
import { requireAdmin } from '../insight/insight-access';
import type { ExportFile } from '../insight/register-export';
import type { Services } from '../services';
import type { Actor } from '../shared/actor';
import { STOCKHOLM_ZONE } from '../shared/dates';
import { newId } from '../shared/ids';
import { PERSONAL_DATA_RULES } from './personal-data-map';
import { collectPersonalData } from './personal-data';
import type { PrivacyRequestDoc } from './privacy-requests';
import { resolveSubject, Subject } from './subject';

/** How long after the request its download still works (the signed link itself lives shorter). */
export const PRIVACY_EXPORT_MAX_AGE_MS = 60 * 60 * 1000;

/** The URL path of a person's export; the bot signs it when it hands out the link. */
export const privacyExportPath = (requestId: string): string =>
  `/exports/privacy/${requestId}.json`;

/** The request id in an export path, or null when the path is not one. */
export function requestIdOfPath(path: string): string | null {
  const m = /^\/exports\/privacy\/(export-[0-9a-f-]{36})\.json$/.exec(path);
  return m ? m[1] : null;
}

/** What the admin's card shows after asking for an export. */
export interface PersonExportIssued {
  subject: Subject;
  /** Documents found per collection. */
  found: Record<string, number>;
  /** Null when nothing is stored about the person (no link is issued). */
  request: PrivacyRequestDoc | null;
  path: string | null;
}

/** What is stored about a person, counted per collection, for the admin's overview (a read: not audited). */
export async function personDataOverview(
  s: Services,
  actor: Actor,
  query: unknown,
): Promise<{ subject: Subject; found: Record<string, number> }> {
  await requireAdmin(s, actor, 'privacy');
  const subject = await resolveSubject(s, query);
  const sections = await collectPersonalData(s, subject);
  return {
    subject,
    found: Object.fromEntries(sections.map((x) => [x.collection, x.documents.length])),
  };
}

/**
 * An admin asks for everything stored about a person (GDPR art. 15), by AAD object id or e-mail.
 * Records the request and audits it; the file itself is built when the signed link is fetched.
 */
export async function requestPersonExport(
  s: Services,
  actor: Actor,
  query: unknown,
  activityId?: string,
): Promise<PersonExportIssued> {
  await requireAdmin(s, actor, 'privacy');
  const subject = await resolveSubject(s, query);
  const sections = await collectPersonalData(s, subject);
  const found = Object.fromEntries(sections.map((x) => [x.collection, x.documents.length]));
  if (sections.length === 0) return { subject, found, request: null, path: null };
  const now = s.clock();
  const request: PrivacyRequestDoc = {
    _id: `export-${newId()}`,
    kind: 'export',
    subjectId: subject.aadObjectId,
    subjectEmails: subject.aadObjectId ? [] : subject.emails,
    requestedBy: actor.aadObjectId,
    requestedByName: actor.name,
    requestedAt: now.toISOString(),
  };
  await s.privacy.insert(request);
  await s.audit.append({
    at: now.toISOString(),
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'privacy.export_requested',
    entityType: 'person',
    entityId: subject.aadObjectId ?? request._id,
    after: { requestId: request._id, found },
    activityId,
  });
  return { subject, found, request, path: privacyExportPath(request._id) };
}

/**
 * Builds the export file of a recorded request when its (signed) link is fetched; null when the
 * request is unknown or too old. Audits the download.
 */
export async function renderPersonExport(
  s: Services,
  requestId: string,
): Promise<ExportFile | null> {
  const request = await s.privacy.get(requestId);
  const now = s.clock();
  if (!request || request.kind !== 'export') return null;
  if (now.getTime() - Date.parse(request.requestedAt) > PRIVACY_EXPORT_MAX_AGE_MS) return null;
  const subject: Subject = request.subjectId
    ? await resolveSubject(s, request.subjectId)
    : { aadObjectId: null, emails: request.subjectEmails };
  const sections = await collectPersonalData(s, subject);
  const body = {
    generatedAt: now.toISOString(),
    requestId,
    subject: { aadObjectId: subject.aadObjectId, emails: subject.emails },
    notice: {
      sv:
        'Allt Projektkontoret har lagrat om personen (dataskyddsförordningen art. 15). Inskickade ansökningar, yttranden, röster och beslut är allmänna handlingar och finns kvar även efter en begäran om radering. ' +
        'Granska filen innan den lämnas ut: handlingarna kan nämna andra personer (art. 15.4). Meddelanden som redan levererats finns i Teams och omfattas inte av filen.',
      en:
        'Everything Projektkontoret stores about the person (GDPR art. 15). Submitted applications, statements, votes and decisions are official documents and remain after an erasure request. ' +
        'Review the file before handing it out: the documents may name other people (art. 15.4). Messages already delivered are in Teams and not in this file.',
    },
    rules: PERSONAL_DATA_RULES,
    collections: Object.fromEntries(sections.map((x) => [x.collection, x.documents])),
  };
  await s.privacy.markDownloaded(requestId, now);
  await s.audit.append({
    at: now.toISOString(),
    actorId: 'system:signed-link',
    action: 'privacy.export_downloaded',
    entityType: 'person',
    entityId: request.subjectId ?? request._id,
    after: {
      requestId,
      requestedBy: request.requestedBy,
      collections: sections.map((x) => x.collection),
    },
  });
  const stamp = DateTime.fromJSDate(now, { zone: STOCKHOLM_ZONE }).toFormat('yyyy-MM-dd');
  return {
    filename: `personuppgifter-${stamp}.json`,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(body, null, 2),
  };
}
