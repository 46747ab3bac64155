import type { AllocationRoundDoc } from '../allocation/allocation-round';
import type { FrameLedgerDoc } from '../allocation/frame-ledger';
import type { OwnerAcceptanceDoc } from '../allocation/owner-acceptance';
import type { ApplicationDoc } from '../applications/application';
import type { AuditEntry } from '../audit/audit-log';
import type { ReviewChannelDoc, RosterMember } from '../channels/channel-repository';
import type { CoachQuestionDoc } from '../coaching/coach-question';
import type { CoachRosterDoc } from '../coaching/coach-roster-repository';
import type { FaqEntryDoc } from '../coaching/faq-repository';
import type { ConversationDoc } from '../conversations/conversation-repository';
import type { DecisionDoc } from '../decisions/decision';
import type { SurveyResponseDoc } from '../followup/followup-services';
import type { ProjectDoc, ReportDoc } from '../followup/project';
import type { IdeaDoc } from '../ideas/idea-repository';
import type { OutboxMessage } from '../outbox/outbox-repository';
import type { LedgerEntry, ReminderPrefsDoc } from '../reminders/reminder-services';
import type {
  CommentDoc,
  CompletenessCheckDoc,
  ObjectionDoc,
  ReviewItemDoc,
  VoteDoc,
} from '../review/review-types';
import type { Services } from '../services';
import type { Doc, Filter } from '../store/store';
import type { UserDoc } from '../users/user-repository';
import type { PrivacyRequestDoc } from './privacy-requests';
import type { Subject } from './subject';
import { walkMatching } from './walk-collection';

/** The documents of one collection that name the person. */
export interface PersonalDataSection {
  collection: string;
  documents: unknown[];
}

type Any = Doc & Record<string, unknown>;

function col<T extends Doc>(s: Pick<Services, 'store'>, name: string) {
  return s.store.collection<T>(name);
}

const lower = (v: unknown): string => (typeof v === 'string' ? v.trim().toLowerCase() : '');

/** True when the application is a draft that never reached the authority (no registration number). */
export function isUnsubmittedDraft(app: ApplicationDoc): boolean {
  return app.status === 'draft' && !app.regNo && !app.submittedAt;
}

function namesByEmail(app: ApplicationDoc, emails: ReadonlySet<string>): boolean {
  if (emails.size === 0) return false;
  const fields = [
    app.data?.contactEmail,
    app.data?.ownerEmail,
    app.inputs?.contactEmail,
    app.inputs?.ownerEmail,
  ];
  return fields.some((f) => emails.has(lower(f)));
}

/**
 * The person's applications: as owner (applicant, by the ownerId index) and those naming them as
 * contact or owner by e-mail. The addresses are stored as typed (any capitals), so no index
 * answers "names this address": those are found by a paged walk (walkMatching), which a
 * personal-data request (rare, an admin's) can afford and a turn never does.
 */
export async function applicationsOf(
  s: Pick<Services, 'store'>,
  subject: Subject,
): Promise<ApplicationDoc[]> {
  const emails = new Set(subject.emails);
  const apps = col<ApplicationDoc>(s, 'applications');
  const id = subject.aadObjectId;
  const own = id ? await apps.find({ ownerId: id }) : [];
  const mine = new Set(own.map((a) => a._id));
  const named =
    emails.size > 0
      ? await walkMatching(apps, (a) => !mine.has(a._id) && namesByEmail(a, emails))
      : [];
  return [...own, ...named].sort(idOrder);
}

const idOrder = (a: Doc, b: Doc): number => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

const emptyIn = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && Array.isArray((v as { $in?: unknown }).$in)
    ? (v as { $in: unknown[] }).$in.length === 0
    : false;

/**
 * The documents matching any of the branches, each an indexed equality or $in. Branches that
 * cannot match (an empty $in) are left out, so SQLite answers the rest from their indexes.
 */
async function findAny<T extends Doc>(
  s: Pick<Services, 'store'>,
  name: string,
  branches: Filter[],
): Promise<T[]> {
  const live = branches.filter((b) => !Object.values(b).some(emptyIn));
  if (live.length === 0) return [];
  return col<T>(s, name).find(live.length === 1 ? live[0] : { $or: live });
}

/** Finds by any of the fields equal to the person's id; nothing when the id is unknown. */
async function byId<T extends Doc>(
  s: Pick<Services, 'store'>,
  name: string,
  subject: Subject,
  fields: string[],
): Promise<T[]> {
  if (!subject.aadObjectId) return [];
  return findAny<T>(
    s,
    name,
    fields.map((f) => ({ [f]: subject.aadObjectId })),
  );
}

/**
 * Everything stored about a person (GDPR art. 15), collection by collection: their own working
 * data and every public record that names them. Read at the moment of the request from the
 * collections the other areas own; nothing is copied elsewhere. Each collection is read by the
 * person's id fields (indexed: see privacy-indexes.ts and the repositories' init), except the
 * few bounded by the number of channels, portfolios and years, or of requests, read whole.
 */
export async function collectPersonalData(
  s: Services,
  subject: Subject,
): Promise<PersonalDataSection[]> {
  const id = subject.aadObjectId;
  const emails = new Set(subject.emails);
  const out: PersonalDataSection[] = [];
  const add = (collection: string, documents: unknown[]): void => {
    if (documents.length > 0) out.push({ collection, documents });
  };

  const users = id ? await col<UserDoc>(s, 'users').find({ _id: id }) : [];
  if (!id && emails.size > 0)
    users.push(...(await col<UserDoc>(s, 'users').find({ emailKey: { $in: [...emails] } })));
  add('users', users);
  add(
    'conversations',
    id ? await col<ConversationDoc>(s, 'conversations').find({ aadObjectId: id }) : [],
  );

  const apps = await applicationsOf(s, subject);
  const appIds = new Set(apps.map((a) => a._id));
  add('applications', apps);
  const ideas = await byId<IdeaDoc>(s, 'ideas', subject, ['ownerId']);
  add('ideas', ideas);

  // What the person did, from the audit log's actorId index: the questions they answered as a
  // coach (every coach reply is audited on its question), and the audit section below.
  const acted = id
    ? await col<AuditEntry>(s, 'audit').find({ actorId: id }, { sort: { at: 1 } })
    : [];
  const answered = acted.filter((e) => e.entityType === 'coachQuestion').map((e) => e.entityId);
  const questions = id
    ? (
        await findAny<CoachQuestionDoc>(s, 'coachQuestions', [
          { askerId: id },
          { assigneeId: id },
          { firstAnswerById: id },
          { resolvedById: id },
          { _id: { $in: [...new Set(answered)] } },
        ])
      ).filter(
        (q) =>
          q.askerId === id ||
          q.assigneeId === id ||
          q.firstAnswerById === id ||
          q.resolvedById === id ||
          q.messages.some((m) => m.authorId?.toLowerCase() === id),
      )
    : [];
  add('coachQuestions', questions.sort(idOrder));
  add('coachFaq', await byId<FaqEntryDoc>(s, 'coachFaq', subject, ['createdBy']));
  // Rosters: one document per coach or review channel (few), so read whole; memberIds and
  // members are arrays, which the SQLite engine matches by scanning anyway.
  add(
    'coachRosters',
    id ? await col<CoachRosterDoc>(s, 'coachRosters').find({ memberIds: id }) : [],
  );
  const rosters = id
    ? (await col<Any>(s, 'channelRosters').find({})).filter((r) =>
        ((r.members as RosterMember[]) ?? []).some((m) => lower(m.aadObjectId) === id),
      )
    : [];
  add('channelRosters', rosters);
  add('reviewChannels', await byId<ReviewChannelDoc>(s, 'reviewChannels', subject, ['boundBy']));

  const itemFilter: Filter[] = [{ appId: { $in: [...appIds] } }];
  if (id) itemFilter.push({ openedBy: id }, { closedBy: id }, { 'statement.byId': id });
  const items = (await findAny<ReviewItemDoc>(s, 'reviewItems', itemFilter)).filter(
    (i) =>
      appIds.has(i.appId) ||
      (id !== null && (i.openedBy === id || i.closedBy === id || i.statement?.byId === id)),
  );
  add('reviewItems', items.sort(idOrder));
  const votes = await byId<VoteDoc>(s, 'reviewVotes', subject, ['memberId']);
  add('reviewVotes', votes);
  add(
    'reviewObjections',
    await byId<ObjectionDoc>(s, 'reviewObjections', subject, ['memberId', 'raisedBy', 'ruledBy']),
  );
  add('reviewComments', await byId<CommentDoc>(s, 'reviewComments', subject, ['authorId']));
  const checkFilter: Filter[] = [{ appId: { $in: [...appIds] } }];
  if (id) checkFilter.push({ decidedBy: id });
  add(
    'completenessChecks',
    (await findAny<CompletenessCheckDoc>(s, 'completenessChecks', checkFilter))
      .filter((c) => appIds.has(c.appId) || (id !== null && c.decidedBy === id))
      .sort(idOrder),
  );

  // Rounds: a few per portfolio and year, read whole.
  add(
    'allocationRounds',
    id
      ? (await col<AllocationRoundDoc>(s, 'allocationRounds').find({})).filter(
          (r) =>
            r.createdBy === id || r.confirmation?.by === id || r.whatIfs.some((w) => w.by === id),
        )
      : [],
  );
  const names = (d: DecisionDoc): boolean =>
    appIds.has(d.applicationId) ||
    (id !== null &&
      (d.applicantId === id || d.decidedBy.aadObjectId === id || d.recusedIds.includes(id)));
  add('decisions', await decisionsNaming(s, id, appIds, votes, names));
  // Ledgers: one per portfolio and year, read whole.
  const ledgers = (await col<FrameLedgerDoc>(s, 'frameLedgers').find({}))
    .map((l) => ({
      _id: l._id,
      claims: Object.fromEntries(Object.entries(l.claims).filter(([, c]) => names(c.record))),
    }))
    .filter((l) => Object.keys(l.claims).length > 0);
  add('frameLedgers', ledgers);
  // The owner's e-mail address is the application's (found above with the application); the
  // exact lower-case one is looked up too.
  const ownerFilter: Filter[] = [
    { _id: { $in: [...appIds] } },
    { ownerEmail: { $in: [...emails] } },
  ];
  if (id) ownerFilter.push({ ownerUserId: id }, { 'pickedBy.aadObjectId': id });
  add(
    'ownerAcceptances',
    (await findAny<OwnerAcceptanceDoc>(s, 'ownerAcceptances', ownerFilter))
      .filter(
        (o) =>
          (id !== null && (o.ownerUserId === id || o.pickedBy?.aadObjectId === id)) ||
          emails.has(lower(o.ownerEmail)) ||
          appIds.has(o.appId),
      )
      .sort(idOrder),
  );

  const projectFilter: Filter[] = [{ applicationId: { $in: [...appIds] } }];
  if (id) projectFilter.push({ ownerId: id });
  const projects = (await findAny<ProjectDoc>(s, 'projects', projectFilter))
    .filter((p) => (id !== null && p.ownerId === id) || appIds.has(p.applicationId))
    .sort(idOrder);
  const projectIds = new Set(projects.map((p) => p._id));
  add('projects', projects);
  const reportFilter: Filter[] = [{ projectId: { $in: [...projectIds] } }];
  if (id) reportFilter.push({ submittedBy: id });
  add(
    'project_reports',
    (await findAny<ReportDoc>(s, 'project_reports', reportFilter))
      .filter((r) => projectIds.has(r.projectId) || (id !== null && r.submittedBy === id))
      .sort(idOrder),
  );
  add(
    'survey_responses',
    await byId<SurveyResponseDoc>(s, 'survey_responses', subject, ['respondentId']),
  );
  // Settings: a handful of named settings, by updatedBy.
  add('settings', await byId<Any>(s, 'settings', subject, ['updatedBy']));
  add('reminder_prefs', await byId<ReminderPrefsDoc>(s, 'reminder_prefs', subject, ['_id']));
  add('reminder_ledger', await byId<LedgerEntry>(s, 'reminder_ledger', subject, ['recipientId']));
  add('outbox', await byId<OutboxMessage>(s, 'outbox', subject, ['target.aadObjectId']));

  const entityIds = new Set<string>([
    ...appIds,
    ...ideas.map((i) => i._id),
    ...questions.filter((q) => q.askerId === id).map((q) => q._id),
    ...projectIds,
  ]);
  if (id) entityIds.add(id);
  const about = await col<AuditEntry>(s, 'audit').find({ entityId: { $in: [...entityIds] } });
  const audit = new Map<string, AuditEntry>();
  for (const e of [...acted, ...about]) audit.set(e._id, e);
  add(
    'audit',
    [...audit.values()].sort((a, b) => (a.at === b.at ? idOrder(a, b) : a.at < b.at ? -1 : 1)),
  );
  // Requests: one per personal-data request (few), read whole; subjectEmails is an array.
  add(
    'privacy_requests',
    (await col<PrivacyRequestDoc>(s, 'privacy_requests').find({})).filter(
      (r) =>
        (id !== null && (r.subjectId === id || r.requestedBy === id)) ||
        r.subjectEmails.some((e) => emails.has(e)),
    ),
  );
  return out;
}

/**
 * The decisions that name the person: on their applications, as applicant or decision maker, or
 * as recused. A recusal is a vote the member marked as jäv (review tally), so the decisions they
 * were recused from are on the applications of the items they voted on.
 */
async function decisionsNaming(
  s: Services,
  id: string | null,
  appIds: ReadonlySet<string>,
  votes: readonly VoteDoc[],
  names: (d: DecisionDoc) => boolean,
): Promise<DecisionDoc[]> {
  const itemIds = [...new Set(votes.map((v) => v.itemId))];
  const voted =
    itemIds.length > 0
      ? await col<ReviewItemDoc>(s, 'reviewItems').find({ _id: { $in: itemIds } })
      : [];
  const candidates: Filter[] = [
    { applicationId: { $in: [...new Set([...appIds, ...voted.map((i) => i.appId)])] } },
  ];
  if (id) candidates.push({ applicantId: id }, { 'decidedBy.aadObjectId': id });
  const docs = await findAny<DecisionDoc>(s, 'decisions', candidates);
  return docs.filter(names).sort(idOrder);
}
