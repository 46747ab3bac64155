import type { ApplicationDoc } from '../applications/application';
import type { AuditEntry } from '../audit/audit-log';
import type { RosterMember } from '../channels/channel-repository';
import type { CoachQuestionDoc } from '../coaching/coach-question';
import type { CoachRosterDoc } from '../coaching/coach-roster-repository';
import type { OutboxMessage } from '../outbox/outbox-repository';
import type { LedgerEntry } from '../reminders/reminder-services';
import type { Services } from '../services';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { newId } from '../shared/ids';
import type { Doc } from '../store/store';
import type { UserDoc } from '../users/user-repository';
import { requireAdmin } from '../insight/insight-access';
import { collectPersonalData, isUnsubmittedDraft } from './personal-data';
import { ErasureCounts } from './privacy-requests';
import { resolveSubject, Subject } from './subject';
import { walkMatching } from './walk-collection';

/** How long an erasure waits for a message to the person that is on its way (20 × 100 ms). */
const RATE_WINDOW_ATTEMPTS = 20;
const RATE_WINDOW_WAIT_MS = 100;

/** Profile fields an erasure removes from the user document (roles stay: an admin's decision). */
export const PROFILE_FIELDS = [
  'name',
  'email',
  'emailKey',
  'organisation',
  'department',
  'jobTitle',
  'tenantId',
  'locale',
  'localePreference',
  'welcomedAt',
] as const;

/** Audit actions about the person's own choices: their before/after is working data, removed on erasure. */
export const PREFERENCE_ACTIONS: ReadonlySet<string> = new Set([
  'reminders.snoozed',
  'reminders.opted_out',
  'reminders.opted_in',
  'reminders.digest_queued',
  'user.language_set',
]);

/** What stands in for the asker of an anonymised coaching question. */
export const ERASED_PERSON = 'erased';

/** Outbox statuses whose message has (or may have) reached Teams: the record stays, the content goes. */
const DELIVERED: ReadonlySet<OutboxMessage['status']> = new Set(['sent', 'sending']);

/** Exactly what an erasure will do, computed from the current state (the confirmation card shows its counts). */
export interface ErasurePlan {
  subject: Subject & { aadObjectId: string };
  draftIds: string[];
  questionIds: string[];
  /** Outbox messages that carry the anonymised questions (thread root, relays). */
  questionOutboxIds: string[];
  profile: 'delete' | 'anonymise' | null;
  conversations: number;
  reminderPrefs: boolean;
  ledgerIds: string[];
  outboxDeleteIds: string[];
  outboxRedactIds: string[];
  coachRosterIds: string[];
  channelRosterIds: string[];
  rateWindow: boolean;
  auditRedactIds: string[];
  /** Documents naming the person that are kept (public records, official acts), per collection. */
  kept: Record<string, number>;
}

function col<T extends Doc>(s: Pick<Services, 'store'>, name: string) {
  return s.store.collection<T>(name);
}

/** Plans the erasure of a person known by AAD object id; nothing is changed. */
export async function planErasure(s: Services, subject: Subject): Promise<ErasurePlan> {
  const id = subject.aadObjectId;
  if (!id)
    throw new DomainError('not_found', 'erasure needs a person the bot knows (AAD object id)', {
      reason: 'subject_unknown',
    });
  const sections = await collectPersonalData(s, subject);
  const docs = <T>(name: string): T[] =>
    (sections.find((x) => x.collection === name)?.documents ?? []) as T[];

  const apps = docs<ApplicationDoc>('applications');
  const drafts = apps.filter((a) => a.ownerId.toLowerCase() === id && isUnsubmittedDraft(a));
  const asked = docs<CoachQuestionDoc>('coachQuestions').filter((q) => q.askerId === id);
  const erasedEntities = new Set([...drafts.map((a) => a._id), ...asked.map((q) => q._id)]);
  const questionOutboxIds = [
    ...new Set(
      asked
        .flatMap((q) => [
          q.threadOutboxId,
          ...q.messages.map((m) => m.outboxId ?? ''),
          ...q.pendingRelays,
        ])
        .filter((x) => x !== ''),
    ),
  ];

  const user = docs<UserDoc>('users')[0] ?? null;
  const hasRoles =
    !!user && ((user.roles ?? []).length > 0 || (user.portfolioRoles ?? []).length > 0);
  const ledger = docs<LedgerEntry>('reminder_ledger').filter((e) =>
    [...erasedEntities].some((x) => e._id.includes(x)),
  );

  const toPerson = docs<OutboxMessage>('outbox');
  // Messages to others with erased content (thread root, `coach-card:<id>:<version>` updates, the
  // applicant's posts): the entity id anywhere in id or content; no index finds that: walked.
  const related =
    erasedEntities.size > 0
      ? await walkMatching(
          col<OutboxMessage>(s, 'outbox'),
          (m) =>
            questionOutboxIds.includes(m._id) ||
            [...erasedEntities].some(
              (x) => m._id.includes(x) || JSON.stringify(m.payload ?? {}).includes(x),
            ),
        )
      : [];
  const outbox = new Map<string, OutboxMessage>();
  for (const m of [...toPerson, ...related]) outbox.set(m._id, m);
  const outboxDeleteIds = [...outbox.values()]
    .filter((m) => !DELIVERED.has(m.status))
    .map((m) => m._id);
  const outboxRedactIds = [...outbox.values()]
    .filter((m) => DELIVERED.has(m.status) && Object.keys(m.payload ?? {}).length > 0)
    .map((m) => m._id);

  const window = await col<Doc & { inflight?: unknown[] }>(s, 'outbox_windows').findOne({
    _id: `c:user:${id}`,
  });
  const auditRedactIds = docs<AuditEntry & { redactedAt?: string }>('audit')
    .filter(
      (e) =>
        !e.redactedAt &&
        (erasedEntities.has(e.entityId) || (e.entityId === id && PREFERENCE_ACTIONS.has(e.action))),
    )
    .filter(
      (e) =>
        e.before !== undefined ||
        e.after !== undefined ||
        (e.actorId === id && e.actorName !== undefined),
    )
    .map((e) => e._id);

  const kept: Record<string, number> = {};
  const keep = (name: string, n: number): void => {
    if (n > 0) kept[name] = n;
  };
  keep('applications', apps.length - drafts.length);
  keep('coachQuestions', docs<CoachQuestionDoc>('coachQuestions').length - asked.length);
  for (const name of [
    'ideas',
    'coachFaq',
    'reviewChannels',
    'reviewItems',
    'reviewVotes',
    'reviewObjections',
    'reviewComments',
    'completenessChecks',
    'allocationRounds',
    'frameLedgers',
    'decisions',
    'ownerAcceptances',
    'projects',
    'project_reports',
    'survey_responses',
    'settings',
  ]) {
    keep(name, docs(name).length);
  }
  keep('reminder_ledger', docs('reminder_ledger').length - ledger.length);
  keep('audit', docs('audit').length - auditRedactIds.length);

  return {
    subject: { ...subject, aadObjectId: id },
    draftIds: drafts.map((a) => a._id),
    questionIds: asked.map((q) => q._id),
    questionOutboxIds,
    profile: user ? (hasRoles ? 'anonymise' : 'delete') : null,
    conversations: docs('conversations').length,
    reminderPrefs: docs('reminder_prefs').length > 0,
    ledgerIds: ledger.map((e) => e._id),
    outboxDeleteIds,
    outboxRedactIds,
    coachRosterIds: docs<CoachRosterDoc>('coachRosters').map((r) => r._id),
    channelRosterIds: docs<Doc>('channelRosters').map((r) => r._id),
    // Deleted once no message to the person is on its way (the erasure waits a moment for one).
    rateWindow: !!window,
    auditRedactIds,
    kept,
  };
}

/** The counts of a plan as stored in the request record and the audit entry: numbers only. */
export function planCounts(plan: ErasurePlan): ErasureCounts {
  const c: ErasureCounts = {
    'applications:deleted': plan.draftIds.length,
    'coachQuestions:anonymised': plan.questionIds.length,
    'users:deleted': plan.profile === 'delete' ? 1 : 0,
    'users:anonymised': plan.profile === 'anonymise' ? 1 : 0,
    'conversations:deleted': plan.conversations,
    'reminder_prefs:deleted': plan.reminderPrefs ? 1 : 0,
    'reminder_ledger:deleted': plan.ledgerIds.length,
    'outbox:deleted': plan.outboxDeleteIds.length,
    'outbox:redacted': plan.outboxRedactIds.length,
    'coachRosters:removed': plan.coachRosterIds.length,
    'channelRosters:removed': plan.channelRosterIds.length,
    'outbox_windows:deleted': plan.rateWindow ? 1 : 0,
    'audit:redacted': plan.auditRedactIds.length,
  };
  for (const [name, n] of Object.entries(plan.kept)) c[`${name}:kept`] = n;
  for (const k of Object.keys(c)) if (c[k] === 0) delete c[k];
  return c;
}

/** Looks up a person for an erasure (admins only) and plans it, for the confirmation card. */
export async function prepareErasure(
  s: Services,
  actor: Actor,
  query: unknown,
): Promise<ErasurePlan> {
  await requireAdmin(s, actor, 'privacy');
  return planErasure(s, await resolveSubject(s, query));
}

/**
 * Erases a person's personal data from the bot's working data (GDPR art. 17) after an admin
 * confirmed it: unsent drafts, preferences, conversation references and messages go, coaching
 * questions are anonymised, and public records (submitted applications, statements, votes,
 * decisions, reports) are kept. Audited with counts only, so the audit entry does not store
 * again what was erased. A second run finds nothing left to erase.
 */
export async function erasePerson(
  s: Services,
  actor: Actor,
  subjectId: unknown,
  activityId?: string,
): Promise<{ plan: ErasurePlan; counts: ErasureCounts; requestId: string }> {
  await requireAdmin(s, actor, 'privacy');
  const subject = await resolveSubject(s, subjectId);
  const plan = await planErasure(s, subject);
  const id = plan.subject.aadObjectId;
  const now = s.clock();
  const at = now.toISOString();

  if (plan.draftIds.length > 0)
    await col<ApplicationDoc>(s, 'applications').deleteMany({
      _id: { $in: plan.draftIds },
      status: 'draft',
      regNo: { $exists: false },
    });
  if (plan.questionIds.length > 0) {
    const questions = col<CoachQuestionDoc>(s, 'coachQuestions');
    await questions.updateMany(
      { _id: { $in: plan.questionIds }, status: { $ne: 'resolved' } },
      {
        $set: {
          status: 'resolved',
          resolvedAt: at,
          resolvedById: 'system:erasure',
          resolvedByName: '',
        },
        $unset: { awaitingCoachSince: true },
      },
    );
    await questions.updateMany(
      { _id: { $in: plan.questionIds } },
      {
        $set: {
          askerId: ERASED_PERSON,
          askerName: '',
          text: '',
          messages: [],
          pendingRelays: [],
          relayCheck: false,
          updatedAt: at,
        },
        $unset: {
          organisation: true,
          appId: true,
          appTitle: true,
          regNo: true,
          stepId: true,
          stepIndex: true,
          appStatus: true,
          faqId: true,
        },
        $inc: { version: 1 },
      },
    );
  }
  const users = col<UserDoc>(s, 'users');
  if (plan.profile !== null) {
    // Roles and portfolio roles stay; with none the whole document goes.
    const unset = Object.fromEntries(PROFILE_FIELDS.map((f) => [f, true as const]));
    const after = await users.findOneAndUpdate(
      { _id: id },
      { $set: { updatedAt: at }, $unset: unset },
    );
    if (after && (after.roles ?? []).length === 0 && (after.portfolioRoles ?? []).length === 0)
      await users.deleteMany({ _id: id });
  }
  await s.conversations.deleteForUser(id);
  await col<Doc>(s, 'reminder_prefs').deleteMany({ _id: id });
  if (plan.ledgerIds.length > 0)
    await col<LedgerEntry>(s, 'reminder_ledger').deleteMany({ _id: { $in: plan.ledgerIds } });
  const outbox = col<OutboxMessage>(s, 'outbox');
  if (plan.outboxDeleteIds.length > 0)
    await outbox.deleteMany({
      _id: { $in: plan.outboxDeleteIds },
      status: { $nin: [...DELIVERED] },
    });
  if (plan.outboxRedactIds.length > 0)
    await outbox.updateMany(
      { _id: { $in: plan.outboxRedactIds } },
      { $set: { payload: {}, redactedAt: at } },
    );
  for (const rosterId of plan.coachRosterIds) {
    const roster = await col<CoachRosterDoc>(s, 'coachRosters').findOne({ _id: rosterId });
    if (roster)
      await col<CoachRosterDoc>(s, 'coachRosters').findOneAndUpdate(
        { _id: rosterId },
        { $set: { memberIds: roster.memberIds.filter((m) => m !== id) } },
      );
  }
  for (const rosterId of plan.channelRosterIds) {
    const rosters = col<Doc & { members: RosterMember[] }>(s, 'channelRosters');
    const roster = await rosters.findOne({ _id: rosterId });
    if (roster)
      await rosters.findOneAndUpdate(
        { _id: rosterId },
        { $set: { members: roster.members.filter((m) => m.aadObjectId?.toLowerCase() !== id) } },
      );
  }
  if (plan.rateWindow) {
    // Only while nothing is in flight, and only the version read (the sender changes it by
    // compare-and-set). A send that just finished is published within a moment: wait for it.
    const windows = col<Doc & { rev?: number; inflight?: unknown[] }>(s, 'outbox_windows');
    for (let attempt = 0; attempt < RATE_WINDOW_ATTEMPTS; attempt++) {
      const window = await windows.findOne({ _id: `c:user:${id}` });
      if (!window) break;
      if ((window.inflight ?? []).length === 0) {
        if ((await windows.deleteMany({ _id: window._id, rev: window.rev })) > 0) break;
        continue;
      }
      await new Promise((r) => setTimeout(r, RATE_WINDOW_WAIT_MS));
    }
  }
  if (plan.auditRedactIds.length > 0) {
    const audit = col<AuditEntry>(s, 'audit');
    const redaction = {
      redactedAt: at,
      redactedBy: actor.aadObjectId,
      redactedFor: 'gdpr-erasure',
    };
    await audit.updateMany(
      { _id: { $in: plan.auditRedactIds }, actorId: id },
      { $set: redaction, $unset: { before: true, after: true, actorName: true } },
    );
    await audit.updateMany(
      { _id: { $in: plan.auditRedactIds }, actorId: { $ne: id } },
      { $set: redaction, $unset: { before: true, after: true } },
    );
  }

  const counts = planCounts(plan);
  const requestId = `erase-${newId()}`;
  // The audit entry first: an erasure is never left unrecorded. Counts and ids only.
  await s.audit.append({
    at,
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'privacy.erased',
    entityType: 'person',
    entityId: id,
    after: { requestId, counts },
    activityId,
  });
  await s.privacy.insert({
    _id: requestId,
    kind: 'erase',
    subjectId: id,
    subjectEmails: [],
    requestedBy: actor.aadObjectId,
    requestedByName: actor.name,
    requestedAt: at,
    counts,
  });
  return { plan, counts, requestId };
}
