import type { Part } from '../applications/wizard-steps';
import type { ItemReason, Reduction } from '../allocation/types';

export type DecisionOutcome = 'approved' | 'rejected';

/**
 * Why a decision was taken: from an allocation round (the item's side of the funding line), an
 * application the review group did not recommend, or a correction of an earlier decision.
 */
export type DecisionKind = 'allocation' | 'not_recommended' | 'correction';

/**
 * One decision on one application: a public record (offentlighetsprincipen). Never edited: a
 * correction is a new record whose `supersedes` names the one it replaces.
 */
export interface DecisionDoc {
  /** `dec-<applicationId>-<seq>`: deterministic, so a retried write never records twice. */
  _id: string;
  applicationId: string;
  /** 1 for the first decision on the application, +1 for each correction. */
  seq: number;
  /** The application's registration number (diarienummer). */
  regNo: string;
  title: string;
  organisation: string;
  applicantId: string;
  applicantName: string;
  portfolioId: string;
  portfolioNumber: number;
  portfolioName: { sv: string; en: string };
  /** Fiscal year whose frame the money comes from. */
  year: number;
  part: Part;
  outcome: DecisionOutcome;
  /** Kronor granted; 0 when rejected. */
  amount: number;
  requestedAmount: number;
  kind: DecisionKind;
  /** The funding-line reason from the allocation engine (allocation decisions). */
  lineReason?: ItemReason;
  reduction?: Reduction;
  /** The decision maker's own words (a correction's reason). */
  note?: string;
  /** The reasons as decided, in both languages: the record keeps the words, not a code. */
  reasonText: { sv: string; en: string };
  meanScore?: number;
  /** Adjusted score in hundredths (allocation/item-value.ts). */
  valueScore?: number;
  /** The value measure the proposal used (VALUE_MEASURE_ID). */
  valueMeasure?: string;
  decidedBy: { aadObjectId: string; name: string };
  /** Under which delegation the decision was taken, e.g. "KS delegationsordning 2026 p. 4.2". */
  delegation: string;
  /** Review-group members who took no part because of jäv (ReviewOutcome.recusedNames). */
  recusedNames: string[];
  recusedIds: string[];
  decidedAt: string;
  /** Decision date on the Stockholm calendar (YYYY-MM-DD). */
  decisionDate: string;
  /** The allocation round the decision was confirmed in (a correction keeps its original's). */
  roundId?: string;
  supersedes?: string;
}

/** The deterministic id of an application's `seq`-th decision. */
export const decisionIdFor = (applicationId: string, seq: number): string =>
  `dec-${applicationId}-${seq}`;
