import { Collection, isDuplicateKey, Store } from '../store/store';
import { ProjectDoc, ReportDoc } from './project';

/** One review-group member's answers to the yearly survey (seed 004, Uppföljning). */
export interface SurveyResponseDoc {
  _id: string;
  surveyId: string;
  portfolioIds: string[];
  channelId: string;
  year: number;
  respondentId: string;
  respondentName: string;
  answers: Record<string, number>;
  comment: string;
  submittedAt: string;
  version: number;
}

/** Funded projects. */
export class ProjectRepository {
  readonly col: Collection<ProjectDoc>;

  constructor(store: Store) {
    this.col = store.collection<ProjectDoc>('projects');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['applicationId'], unique: true });
    // byOwner: equality plus sort, one compound index.
    await this.col.ensureIndex({ fields: ['ownerId', 'endDate'] });
  }

  /** Inserts a project; false when one for the application already exists. */
  async insert(doc: ProjectDoc): Promise<boolean> {
    try {
      await this.col.insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async get(id: string): Promise<ProjectDoc | null> {
    return this.col.findOne({ _id: id });
  }

  async byApplication(applicationId: string): Promise<ProjectDoc | null> {
    return this.col.findOne({ applicationId });
  }

  async byOwner(ownerId: string): Promise<ProjectDoc[]> {
    return this.col.find({ ownerId: ownerId.toLowerCase() }, { sort: { endDate: 1 } });
  }

  /** Every project: one per granted application (the dashboard's and reminders' whole view). */
  async all(): Promise<ProjectDoc[]> {
    return this.col.find({}, { sort: { createdAt: 1 } });
  }
}

/** Reports stored against their project, one per period. */
export class ReportRepository {
  readonly col: Collection<ReportDoc>;

  constructor(store: Store) {
    this.col = store.collection<ReportDoc>('project_reports');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['projectId'] });
    // A person's reports, for a personal-data request (privacy/personal-data.ts).
    await this.col.ensureIndex({ fields: ['submittedBy'] });
  }

  async get(id: string): Promise<ReportDoc | null> {
    return this.col.findOne({ _id: id });
  }

  async forProject(projectId: string): Promise<ReportDoc[]> {
    return this.col.find({ projectId }, { sort: { dueDate: 1 } });
  }

  /** Every report (a few per project): the dashboard's and reminders' whole view. */
  async all(): Promise<ReportDoc[]> {
    return this.col.find({});
  }

  /** Writes a first version, or replaces version `expected` (optimistic); null when someone was first. */
  async save(doc: ReportDoc, expected: number | null): Promise<ReportDoc | null> {
    if (expected === null) {
      try {
        await this.col.insertOne(doc);
        return doc;
      } catch (err) {
        if (isDuplicateKey(err)) return null;
        throw err;
      }
    }
    const { _id, ...rest } = doc;
    return this.col.findOneAndUpdate({ _id, version: expected }, { $set: rest });
  }
}

/** Answers to the yearly survey. */
export class SurveyRepository {
  readonly col: Collection<SurveyResponseDoc>;

  constructor(store: Store) {
    this.col = store.collection<SurveyResponseDoc>('survey_responses');
  }

  async init(): Promise<void> {
    await this.col.ensureIndex({ fields: ['surveyId'] });
    // A person's answers, for a personal-data request (privacy/personal-data.ts).
    await this.col.ensureIndex({ fields: ['respondentId'] });
  }

  async get(id: string): Promise<SurveyResponseDoc | null> {
    return this.col.findOne({ _id: id });
  }

  async forSurvey(surveyId: string): Promise<SurveyResponseDoc[]> {
    return this.col.find({ surveyId }, { sort: { submittedAt: 1 } });
  }

  /** Upserts one member's answer (a second answer replaces the first). */
  async put(doc: SurveyResponseDoc): Promise<SurveyResponseDoc | null> {
    const { _id, ...rest } = doc;
    return this.col.findOneAndUpdate({ _id }, { $set: rest }, { upsert: true });
  }
}

/** Follow-up of funded projects: the projects, their reports and the yearly survey answers. */
export class FollowupServices {
  readonly projects: ProjectRepository;
  readonly reports: ReportRepository;
  readonly surveys: SurveyRepository;

  constructor(store: Store) {
    this.projects = new ProjectRepository(store);
    this.reports = new ReportRepository(store);
    this.surveys = new SurveyRepository(store);
  }

  async init(): Promise<void> {
    await this.projects.init();
    await this.reports.init();
    await this.surveys.init();
  }
}
