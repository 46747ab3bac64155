import { Store } from '../store/store';
import { DEFAULT_OFFICE_HOURS, OfficeHours } from '../shared/working-days';
import { CoachQuestionRepository } from './coach-question-repository';
import { CoachRosterRepository } from './coach-roster-repository';
import { FaqRepository } from './faq-repository';

/** How coaching is tuned: the answer SLA in office hours (COACH_SLA_HOURS) and the office hours. */
export interface CoachingOptions {
  slaHours: number;
  officeHours: OfficeHours;
}

export const DEFAULT_COACH_SLA_HOURS = 8;

/** Coaching's repositories and settings, one entry in Services. */
export class CoachingServices {
  readonly questions: CoachQuestionRepository;
  readonly faq: FaqRepository;
  readonly rosters: CoachRosterRepository;
  readonly slaHours: number;
  readonly officeHours: OfficeHours;

  constructor(store: Store, opts: Partial<CoachingOptions> = {}) {
    this.questions = new CoachQuestionRepository(store);
    this.faq = new FaqRepository(store);
    this.rosters = new CoachRosterRepository(store);
    this.slaHours = opts.slaHours ?? DEFAULT_COACH_SLA_HOURS;
    this.officeHours = opts.officeHours ?? DEFAULT_OFFICE_HOURS;
  }

  async init(): Promise<void> {
    await this.questions.init();
    await this.faq.init();
  }
}
