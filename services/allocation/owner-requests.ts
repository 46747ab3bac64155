import type { ApplicationDoc } from '../applications/application';
import { personalKey } from '../conversations/conversation-repository';
import type { Services } from '../services';
import type { Actor } from '../shared/actor';
import { checkText } from '../shared/text';
import { emailKeyOf, personName, type UserDoc } from '../users/user-repository';
import { refuse } from './access';
import type { OwnerAcceptanceDoc } from './owner-acceptance';

/** Outbox template of the question to the owner (cards/allocation-cards.ts renders it). */
export const OWNER_REQUEST_TEMPLATE = 'owner-request';
/** Outbox template telling the applicant what the owner answered. */
export const OWNER_ANSWER_TEMPLATE = 'owner-answer';

export const MAX_OWNER_COMMENT = 1000;

/** Applications whose owner question may still be asked or answered: not yet decided. */
const OPEN_FOR_OWNER = new Set([
  'submitted',
  'completion_requested',
  'in_review',
  'recommended',
  'not_recommended',
]);

/** The known person with this e-mail address (UserDoc.email, case-insensitive), or null. */
export async function userByEmail(
  s: Pick<Services, 'store'>,
  email: string | undefined,
): Promise<UserDoc | null> {
  // By the indexed lower-case key (UserDoc.emailKey), whatever capitals the profile has.
  const key = emailKeyOf(email);
  if (!key) return null;
  const users = s.store.collection<UserDoc>('users');
  const found = await users.find({ emailKey: key }, { sort: { _id: 1 }, limit: 1 });
  return found[0] ?? null;
}

/** True when the bot can write to the person in personal chat (a stored, reachable conversation). */
export async function reachable(
  s: Pick<Services, 'conversations'>,
  aadObjectId: string | undefined,
): Promise<boolean> {
  if (!aadObjectId) return false;
  const doc = await s.conversations.get(personalKey(aadObjectId));
  return !!doc && !doc.unreachableSince;
}

function requestModel(app: ApplicationDoc, doc: OwnerAcceptanceDoc): Record<string, unknown> {
  const d = app.data!;
  return {
    appId: app._id,
    seq: doc.seq,
    regNo: app.regNo ?? '',
    title: d.title,
    organisation: d.organisation,
    applicantName: app.ownerName,
    ownerName: d.ownerName,
    ownerOrganisation: d.ownerOrganisation,
    yearlyRunningCost: d.yearlyRunningCost,
    costSharing: d.costSharing.map((c) => ({ organisation: c.organisation, percent: c.percent })),
    startDate: d.startDate,
    endDate: d.endDate,
  };
}

/** Outbox template of the owner picker sent to the applicant when the owner is unknown. */
export const OWNER_PICK_TEMPLATE = 'owner-pick';

/** People the bot knows by name, for picking an owner (the first 300 in Swedish order). */
export async function knownPeople(
  s: Pick<Services, 'store'>,
): Promise<{ title: string; value: string }[]> {
  const users = await s.store.collection<UserDoc>('users').find({ name: { $exists: true } });
  return users
    .filter(
      (u) => typeof u.name === 'string' && u.name.length > 0 && !/^[0-9a-f-]{36}$/.test(u.name),
    )
    .sort((a, b) => a.name!.localeCompare(b.name!, 'sv'))
    .slice(0, 300)
    .map((u) => ({ title: u.email ? `${u.name} (${u.email})` : u.name!, value: u._id }));
}

/** The owner picker's model for an application. */
export async function ownerPickModel(
  s: Pick<Services, 'store'>,
  app: ApplicationDoc,
): Promise<Record<string, unknown>> {
  return {
    appId: app._id,
    regNo: app.regNo ?? '',
    name: app.data?.ownerName ?? '',
    email: app.data?.ownerEmail ?? '',
    people: await knownPeople(s),
  };
}

async function sendRequest(
  s: Services,
  app: ApplicationDoc,
  doc: OwnerAcceptanceDoc,
  now: Date,
): Promise<void> {
  if (!doc.ownerUserId) return;
  await s.outbox.enqueue(
    `owner-request:${app._id}:${doc.seq}`,
    { kind: 'user', aadObjectId: doc.ownerUserId },
    { card: { template: OWNER_REQUEST_TEMPLATE, model: requestModel(app, doc) } },
    now,
  );
}

/**
 * Makes sure the named owner of a recommended application has been asked to accept ownership
 * and the running cost: resolves the owner by e-mail among the people the bot knows and asks
 * them in personal chat, once. Unknown owners are recorded as unresolved (someone must pick).
 */
export async function ensureOwnerRequest(
  s: Services,
  app: ApplicationDoc,
  actorId = 'system:allocation',
): Promise<OwnerAcceptanceDoc | null> {
  if (!app.data || !app.regNo) return null;
  const now = s.clock();
  let doc = await s.allocation.owners.get(app._id);
  if (doc && doc.status === 'requested' && doc.ownerUserId)
    return resendIfUndelivered(s, app, doc, actorId);
  if (doc && doc.status !== 'unresolved') return doc;
  const user = await userByEmail(s, app.data.ownerEmail);
  if (!doc) {
    const fresh: OwnerAcceptanceDoc = user
      ? {
          ...unresolvedDoc(app, now),
          ownerUserId: user._id,
          ownerUserName: personName(user.name, user._id) ?? app.data.ownerName,
          resolvedBy: 'email',
          requestedAt: now.toISOString(),
          seq: 1,
          status: 'requested',
        }
      : unresolvedDoc(app, now);
    if (!(await s.allocation.owners.insert(fresh))) return s.allocation.owners.get(app._id);
    await s.audit.append({
      at: now.toISOString(),
      actorId,
      action: user ? 'owner.requested' : 'owner.unresolved',
      entityType: 'application',
      entityId: app._id,
      after: { ownerEmail: fresh.ownerEmail, ownerUserId: fresh.ownerUserId, status: fresh.status },
    });
    if (user) await sendRequest(s, app, fresh, now);
    else {
      // Nobody the bot knows has that e-mail: the applicant is asked to name the person.
      await s.outbox.enqueue(
        `owner-pick:${app._id}`,
        { kind: 'user', aadObjectId: app.ownerId },
        { card: { template: OWNER_PICK_TEMPLATE, model: await ownerPickModel(s, app) } },
        now,
      );
    }
    return fresh;
  }
  if (!user) return doc;
  // An unresolved owner has since become known (they talked to the bot, or the seed/Graph named them).
  doc = await s.allocation.owners.updateIfVersion(app._id, doc.version, {
    $set: {
      ownerUserId: user._id,
      ownerUserName: personName(user.name, user._id) ?? doc.ownerName,
      resolvedBy: 'email',
      status: 'requested',
      seq: doc.seq + 1,
      requestedAt: now.toISOString(),
      updatedAt: now.toISOString(),
    },
  });
  if (!doc) return s.allocation.owners.get(app._id);
  await s.audit.append({
    at: now.toISOString(),
    actorId,
    action: 'owner.requested',
    entityType: 'application',
    entityId: app._id,
    before: { status: 'unresolved' },
    after: { ownerUserId: doc.ownerUserId, status: doc.status, seq: doc.seq },
  });
  await sendRequest(s, app, doc, now);
  return doc;
}

/**
 * The question could not be delivered (the owner had never opened the chat with the bot, so
 * Teams had no conversation): once the owner can be reached, the question is asked again.
 */
async function resendIfUndelivered(
  s: Services,
  app: ApplicationDoc,
  doc: OwnerAcceptanceDoc,
  actorId: string,
): Promise<OwnerAcceptanceDoc> {
  const sent = await s.outbox.get(`owner-request:${app._id}:${doc.seq}`);
  if (!sent || sent.status !== 'failed' || !(await reachable(s, doc.ownerUserId))) return doc;
  const now = s.clock();
  const next = await s.allocation.owners.updateIfVersion(app._id, doc.version, {
    $set: { seq: doc.seq + 1, requestedAt: now.toISOString(), updatedAt: now.toISOString() },
  });
  if (!next) return (await s.allocation.owners.get(app._id)) ?? doc;
  await s.audit.append({
    at: now.toISOString(),
    actorId,
    action: 'owner.requested_again',
    entityType: 'application',
    entityId: app._id,
    before: { seq: doc.seq, delivery: 'failed' },
    after: { seq: next.seq, ownerUserId: next.ownerUserId },
  });
  await sendRequest(s, app, next, now);
  return next;
}

function unresolvedDoc(app: ApplicationDoc, now: Date): OwnerAcceptanceDoc {
  return {
    _id: app._id,
    appId: app._id,
    regNo: app.regNo ?? '',
    ownerName: app.data?.ownerName ?? '',
    ownerEmail: app.data?.ownerEmail ?? '',
    seq: 0,
    status: 'unresolved',
    yearlyRunningCost: app.data?.yearlyRunningCost ?? 0,
    version: 1,
    updatedAt: now.toISOString(),
  };
}

async function loadOpenApp(s: Services, appId: unknown): Promise<ApplicationDoc> {
  if (typeof appId !== 'string' || appId.length === 0 || appId.length > 100)
    refuse('not_found', 'app_not_found');
  const app = await s.applications.get(appId);
  if (!app || !app.data || !app.regNo) refuse('not_found', 'app_not_found');
  return app;
}

/**
 * An admin or the applicant names the person who is the owner (when the e-mail in the
 * application matches nobody the bot knows, or the wrong person was asked); that person is asked.
 */
export async function pickOwner(
  s: Services,
  actor: Actor,
  appId: unknown,
  person: unknown,
  activityId?: string,
): Promise<OwnerAcceptanceDoc> {
  const app = await loadOpenApp(s, appId);
  const isAdmin = await s.users.hasRole(actor.aadObjectId, 'admin');
  if (!isAdmin && app.ownerId.toLowerCase() !== actor.aadObjectId)
    refuse('forbidden', 'pick_owner_forbidden');
  if (!OPEN_FOR_OWNER.has(app.status)) refuse('invalid_state', 'already_decided');
  const raw = typeof person === 'string' ? person.trim() : '';
  if (!raw || raw.length > 200) refuse('invalid_input', 'owner_person_missing');
  const user = raw.includes('@')
    ? await userByEmail(s, raw)
    : /^[0-9a-f-]{8,64}$/i.test(raw)
      ? await s.users.get(raw.toLowerCase())
      : null;
  if (!user) refuse('invalid_input', 'owner_person_unknown');
  await s.allocation.owners.insert(unresolvedDoc(app, s.clock()));
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = await s.allocation.owners.get(app._id);
    if (!current) refuse('conflict', 'busy');
    const now = s.clock();
    const next = await s.allocation.owners.updateIfVersion(app._id, current.version, {
      $set: {
        ownerUserId: user._id,
        ownerUserName: personName(user.name, user._id) ?? user.email,
        resolvedBy: 'picked',
        pickedBy: { aadObjectId: actor.aadObjectId, name: actor.name },
        status: 'requested',
        seq: current.seq + 1,
        requestedAt: now.toISOString(),
        updatedAt: now.toISOString(),
      },
      $unset: { answeredAt: true, comment: true },
    });
    if (!next) continue;
    await s.audit.append({
      at: now.toISOString(),
      actorId: actor.aadObjectId,
      actorName: actor.name,
      action: 'owner.picked',
      entityType: 'application',
      entityId: app._id,
      before: { ownerUserId: current.ownerUserId, status: current.status, seq: current.seq },
      after: { ownerUserId: next.ownerUserId, status: next.status, seq: next.seq },
      activityId,
    });
    await sendRequest(s, app, next, now);
    return next;
  }
  refuse('conflict', 'busy');
}

export interface OwnerAnswerResult {
  doc: OwnerAcceptanceDoc;
  app: ApplicationDoc;
  unchanged: boolean;
}

/**
 * The owner answers "Jag accepterar ägarskap och driftkostnad" or "Jag accepterar inte" (with a
 * comment). Only the person asked, only on the current request, only until a decision exists.
 */
export async function answerOwnerRequest(
  s: Services,
  actor: Actor,
  appId: unknown,
  seq: unknown,
  accept: boolean,
  rawComment: unknown,
  activityId?: string,
): Promise<OwnerAnswerResult> {
  const app = await loadOpenApp(s, appId);
  const doc = await s.allocation.owners.get(app._id);
  if (!doc || !doc.ownerUserId) refuse('not_found', 'app_not_found');
  if (doc.ownerUserId !== actor.aadObjectId) refuse('forbidden', 'not_the_owner');
  const askedSeq =
    typeof seq === 'number'
      ? seq
      : typeof seq === 'string' && /^\d{1,6}$/.test(seq)
        ? Number(seq)
        : NaN;
  if (askedSeq !== doc.seq) refuse('invalid_state', 'owner_request_replaced');
  if (!OPEN_FOR_OWNER.has(app.status)) refuse('invalid_state', 'already_decided');
  const comment = checkText(rawComment, { required: !accept, max: MAX_OWNER_COMMENT });
  if (!comment.ok)
    refuse(
      'invalid_input',
      comment.error === 'too_long' ? 'comment_too_long' : 'decline_needs_comment',
      { max: MAX_OWNER_COMMENT },
    );
  const status = accept ? 'accepted' : 'declined';
  if (doc.status === status && (doc.comment ?? '') === comment.value)
    return { doc, app, unchanged: true };
  const now = s.clock();
  const next = await s.allocation.owners.updateIfVersion(app._id, doc.version, {
    $set: {
      status,
      comment: comment.value,
      answeredAt: now.toISOString(),
      updatedAt: now.toISOString(),
    },
  });
  if (!next) refuse('conflict', 'busy');
  await s.audit.append({
    at: now.toISOString(),
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: accept ? 'owner.accepted' : 'owner.declined',
    entityType: 'application',
    entityId: app._id,
    before: { status: doc.status, comment: doc.comment },
    after: {
      status,
      comment: comment.value,
      seq: doc.seq,
      yearlyRunningCost: doc.yearlyRunningCost,
    },
    activityId,
  });
  await s.outbox.enqueue(
    `owner-answer:${app._id}:${doc.seq}:${next.version}`,
    { kind: 'user', aadObjectId: app.ownerId },
    {
      card: {
        template: OWNER_ANSWER_TEMPLATE,
        model: {
          regNo: app.regNo,
          title: app.data!.title,
          ownerName: next.ownerUserName ?? next.ownerName,
          accepted: accept,
          comment: comment.value,
        },
      },
    },
    now,
  );
  return { doc: next, app, unchanged: false };
}
