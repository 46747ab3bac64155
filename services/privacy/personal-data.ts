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

/** The person's applications: as owner (applicant) and those naming them as contact or owner by e-mail. */
export async function applicationsOf(
  s: Pick<Services, 'store'>,
  subject: Subject,
): Promise<ApplicationDoc[]> {
  const emails = new Set(subject.emails);
  const all = await col<ApplicationDoc>(s, 'applications').find({});
  return all.filter(
    (a) =>
      (subject.aadObjectId !== null && a.ownerId.toLowerCase() === subject.aadObjectId) ||
      namesByEmail(a, emails),
  );
}

/** Finds by any of the fields equal to the person's id; nothing when the id is unknown. */
async function byId<T extends Doc>(
  s: Pick<Services, 'store'>,
  name: string,
  subject: Subject,
  fields: string[],
): Promise<T[]> {
  if (!subject.aadObjectId) return [];
  const filter: Filter = { $or: fields.map((f) => ({ [f]: subject.aadObjectId })) };
  return col<T>(s, name).find(filter);
}

/**
 * Everything stored about a person (GDPR art. 15), collection by collection: their own working
 * data and every public record that names them. Read at the moment of the request from the
 * collections the other areas own; nothing is copied elsewhere.
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
    users.push(
      ...(await col<UserDoc>(s, 'users').find({ email: { $exists: true } })).filter((u) =>
        emails.has(lower(u.email)),
      ),
    );
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

  const questions = id
    ? (await col<CoachQuestionDoc>(s, 'coachQuestions').find({})).filter(
        (q) =>
          q.askerId === id ||
          q.assigneeId === id ||
          q.firstAnswerById === id ||
          q.resolvedById === id ||
          q.messages.some((m) => m.authorId?.toLowerCase() === id),
      )
    : [];
  add('coachQuestions', questions);
  add('coachFaq', await byId<FaqEntryDoc>(s, 'coachFaq', subject, ['createdBy']));
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

  const items = (await col<ReviewItemDoc>(s, 'reviewItems').find({})).filter(
    (i) =>
      appIds.has(i.appId) ||
      (id !== null && (i.openedBy === id || i.closedBy === id || i.statement?.byId === id)),
  );
  add('reviewItems', items);
  add('reviewVotes', await byId<VoteDoc>(s, 'reviewVotes', subject, ['memberId']));
  add(
    'reviewObjections',
    await byId<ObjectionDoc>(s, 'reviewObjections', subject, ['memberId', 'raisedBy', 'ruledBy']),
  );
  add('reviewComments', await byId<CommentDoc>(s, 'reviewComments', subject, ['authorId']));
  add(
    'completenessChecks',
    (await col<CompletenessCheckDoc>(s, 'completenessChecks').find({})).filter(
      (c) => appIds.has(c.appId) || (id !== null && c.decidedBy === id),
    ),
  );

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
  add('decisions', (await col<DecisionDoc>(s, 'decisions').find({})).filter(names));
  const ledgers = (await col<FrameLedgerDoc>(s, 'frameLedgers').find({}))
    .map((l) => ({
      _id: l._id,
      claims: Object.fromEntries(Object.entries(l.claims).filter(([, c]) => names(c.record))),
    }))
    .filter((l) => Object.keys(l.claims).length > 0);
  add('frameLedgers', ledgers);
  add(
    'ownerAcceptances',
    (await col<OwnerAcceptanceDoc>(s, 'ownerAcceptances').find({})).filter(
      (o) =>
        (id !== null && (o.ownerUserId === id || o.pickedBy?.aadObjectId === id)) ||
        emails.has(lower(o.ownerEmail)) ||
        appIds.has(o.appId),
    ),
  );

  const projects = (await col<ProjectDoc>(s, 'projects').find({})).filter(
    (p) => (id !== null && p.ownerId === id) || appIds.has(p.applicationId),
  );
  const projectIds = new Set(projects.map((p) => p._id));
  add('projects', projects);
  add(
    'project_reports',
    (await col<ReportDoc>(s, 'project_reports').find({})).filter(
      (r) => projectIds.has(r.projectId) || (id !== null && r.submittedBy === id),
    ),
  );
  add(
    'survey_responses',
    await byId<SurveyResponseDoc>(s, 'survey_responses', subject, ['respondentId']),
  );
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
  const audit = (await col<AuditEntry>(s, 'audit').find({}, { sort: { at: 1 } })).filter(
    (e) => (id !== null && e.actorId === id) || entityIds.has(e.entityId),
  );
  add('audit', audit);
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
