/** The application wizard's steps and fields: what DOMAIN.md says an application must contain. */

export type FieldType =
  | 'text'
  | 'multiline'
  | 'email'
  | 'amount'
  | 'number'
  | 'date'
  | 'choice'
  | 'multichoice'
  | 'toggle';

export interface FieldDef {
  id: string;
  type: FieldType;
  /** Required on submit; a step with a missing required field cannot be left forwards. */
  required: boolean;
  /** The innovation portfolio relaxes the benefit requirements (seed 000, SID 5). */
  relaxedForInnovation?: boolean;
  max?: number;
  /** Choice sources resolved when the card is rendered. */
  options?: 'portfolios' | 'parts' | 'kfGoals' | 'reuse' | 'securityClass';
}

export interface StepDef {
  id: StepId;
  fields: FieldDef[];
}

export type StepId = 'basics' | 'need' | 'benefit' | 'costs' | 'ownership' | 'technology';

export const COST_SHARE_ROWS = 4;

const costShareFields: FieldDef[] = [];
for (let i = 1; i <= COST_SHARE_ROWS; i++) {
  costShareFields.push({ id: `shareOrg${i}`, type: 'text', required: false, max: 120 });
  costShareFields.push({ id: `sharePercent${i}`, type: 'number', required: false, max: 10 });
}

/** The six steps in order; "Steg 2 av 6" counts these. */
export const STEPS: readonly StepDef[] = [
  {
    id: 'basics',
    fields: [
      { id: 'title', type: 'text', required: true, max: 120 },
      { id: 'portfolioId', type: 'choice', required: true, options: 'portfolios' },
      { id: 'part', type: 'choice', required: true, options: 'parts' },
      { id: 'organisation', type: 'text', required: true, max: 200 },
      { id: 'contactName', type: 'text', required: true, max: 120 },
      { id: 'contactEmail', type: 'email', required: true, max: 200 },
      { id: 'crossOrganisational', type: 'toggle', required: false },
      { id: 'partnerOrganisations', type: 'multiline', required: false, max: 1000 },
    ],
  },
  {
    id: 'need',
    fields: [
      { id: 'need', type: 'multiline', required: true, max: 4000 },
      { id: 'userGroups', type: 'multiline', required: true, max: 1000 },
      { id: 'kfGoals', type: 'multichoice', required: true, options: 'kfGoals' },
      { id: 'kfGoalMotivation', type: 'multiline', required: false, max: 2000 },
    ],
  },
  {
    id: 'benefit',
    fields: [
      { id: 'citizenBenefit', type: 'multiline', required: true, relaxedForInnovation: true, max: 3000 },
      { id: 'internalBenefit', type: 'multiline', required: true, relaxedForInnovation: true, max: 3000 },
      { id: 'yearlyEffectSek', type: 'amount', required: false },
      { id: 'yearlyEffectHours', type: 'number', required: false, max: 12 },
      { id: 'realisationPlan', type: 'multiline', required: true, relaxedForInnovation: true, max: 3000 },
      { id: 'realisationOwner', type: 'text', required: true, relaxedForInnovation: true, max: 200 },
    ],
  },
  {
    id: 'costs',
    fields: [
      { id: 'devCost', type: 'amount', required: true },
      { id: 'yearlyRunningCost', type: 'amount', required: true },
      ...costShareFields,
    ],
  },
  {
    id: 'ownership',
    fields: [
      { id: 'ownerName', type: 'text', required: true, max: 120 },
      { id: 'ownerOrganisation', type: 'text', required: true, max: 200 },
      { id: 'ownerEmail', type: 'email', required: true, max: 200 },
      { id: 'startDate', type: 'date', required: true },
      { id: 'endDate', type: 'date', required: true },
      { id: 'isStage', type: 'toggle', required: false },
    ],
  },
  {
    id: 'technology',
    fields: [
      { id: 'reuse', type: 'choice', required: true, options: 'reuse' },
      { id: 'reuseDetails', type: 'multiline', required: true, max: 2000 },
      { id: 'securityClass', type: 'choice', required: true, options: 'securityClass' },
      { id: 'accessibilityPlan', type: 'multiline', required: true, max: 2000 },
    ],
  },
];

export const STEP_COUNT = STEPS.length;

export const PARTS = ['innovation', 'improvement', 'maintenance'] as const;
export type Part = (typeof PARTS)[number];

/** KF:s inriktningsmål (seed 002 §5.2). */
export const KF_GOALS = ['attractive', 'quality', 'costEffective'] as const;

export const REUSE_OPTIONS = ['common', 'extendCommon', 'local'] as const;

/** Information-security classes (KLASSA-style levels used by Swedish municipalities). */
export const SECURITY_CLASSES = ['0', '1', '2', '3'] as const;

/** Every field id of every step, for whitelisting card input. */
export const ALL_FIELD_IDS: ReadonlySet<string> = new Set(STEPS.flatMap((s) => s.fields.map((f) => f.id)));

export function stepIndex(id: string): number {
  return STEPS.findIndex((s) => s.id === id);
}

export function fieldDef(id: string): FieldDef | undefined {
  for (const s of STEPS) for (const f of s.fields) if (f.id === id) return f;
  return undefined;
}
