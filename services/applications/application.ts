import { Part } from './wizard-steps';

export type ApplicationStatus =
  | 'draft'
  | 'submitted'
  | 'completion_requested'
  | 'in_review'
  | 'recommended'
  | 'not_recommended'
  | 'approved'
  | 'rejected'
  | 'withdrawn';

/** Statuses after which the applicant can no longer withdraw (a decision exists). */
export const DECIDED: ReadonlySet<ApplicationStatus> = new Set(['approved', 'rejected']);

export interface ApplicationDoc {
  _id: string;
  ownerId: string;
  ownerName: string;
  tenantId?: string;
  status: ApplicationStatus;
  /** What the applicant typed, field by field, exactly: nothing typed is ever thrown away. */
  inputs: Record<string, string>;
  /** Index of the step the wizard shows next. */
  step: number;
  /** Highest step index the applicant has reached. */
  reached: number;
  /** Steps reopened by a request for completion (empty when everything is open). */
  reopenedSteps?: string[];
  /** Parsed, validated values; set on submit. */
  data?: SubmittedData;
  regNo?: string;
  regYear?: number;
  regSeq?: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  submittedAt?: string;
  withdrawnAt?: string;
  /** Activity id of the wizard card in the personal chat, to update it in place. */
  cardActivityId?: string;
  /** The review group's outcome, set when the chair closes the item; allocation reads it. */
  review?: ReviewOutcome;
}

/** Contract between review (issue 3) and allocation (issue 4). */
export interface ReviewOutcome {
  closedAt: string;
  closedBy: string;
  recommendation: 'recommended' | 'not_recommended';
  /** Mean over criteria and voting members, 1–5. */
  meanScore: number;
  meanByCriterion: Record<string, number>;
  votes: { approve: number; reject: number; abstain: number };
  /** Members who declared or were ruled conflicted (jäv) and took no part. */
  recusedMemberIds: string[];
  recusedNames: string[];
}

export interface SubmittedData {
  title: string;
  portfolioId: string;
  part: Part;
  organisation: string;
  contactName: string;
  contactEmail: string;
  crossOrganisational: boolean;
  partnerOrganisations?: string;
  need: string;
  userGroups: string;
  kfGoals: string[];
  kfGoalMotivation?: string;
  citizenBenefit?: string;
  internalBenefit?: string;
  yearlyEffectSek?: number;
  yearlyEffectHours?: number;
  realisationPlan?: string;
  realisationOwner?: string;
  devCost: number;
  yearlyRunningCost: number;
  costSharing: { organisation: string; percent: number }[];
  ownerName: string;
  ownerOrganisation: string;
  ownerEmail: string;
  startDate: string;
  endDate: string;
  isStage: boolean;
  reuse: string;
  reuseDetails: string;
  securityClass: string;
  accessibilityPlan: string;
}
