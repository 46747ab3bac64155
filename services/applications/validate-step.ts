import { parseSek } from '../shared/amount';
import { parseDate } from '../shared/dates';
import { applyingYear, fitsFiscalYear } from '../shared/fiscal-timeline';
import { parseShare, sharesSumTo100 } from '../shared/percent';
import { checkText } from '../shared/text';
import {
  COST_SHARE_ROWS,
  FieldDef,
  KF_GOALS,
  PARTS,
  REUSE_OPTIONS,
  SECURITY_CLASSES,
  STEPS,
  StepDef,
} from './wizard-steps';

/** One thing the user must fix (error) or should know (warning), as a code the string table renders. */
export interface FieldIssue {
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

export interface StepValidation {
  errors: FieldIssue[];
  warnings: FieldIssue[];
  /** Parsed values of the fields that are valid. */
  values: Record<string, unknown>;
}

export interface ValidationContext {
  portfolioIds: string[];
  /** Portfolios whose benefit requirements are relaxed (innovation). */
  relaxedPortfolioIds: string[];
  /** The parts that may be chosen in each portfolio; every part when absent. */
  partsByPortfolio?: Record<string, readonly string[]>;
  /** The parts of the chosen portfolio (set by validateStep from partsByPortfolio). */
  partIds?: readonly string[];
}

const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]{2,}$/;
const DEFAULT_TEXT_MAX = 2000;

function options(def: FieldDef, ctx: ValidationContext): readonly string[] {
  switch (def.options) {
    case 'portfolios':
      return ctx.portfolioIds;
    case 'parts':
      return ctx.partIds ?? PARTS;
    case 'kfGoals':
      return KF_GOALS;
    case 'reuse':
      return REUSE_OPTIONS;
    case 'securityClass':
      return SECURITY_CLASSES;
    default:
      return [];
  }
}

function validateField(
  def: FieldDef,
  raw: string | undefined,
  required: boolean,
  ctx: ValidationContext,
): { value?: unknown; issue?: FieldIssue } {
  const text = checkText(raw ?? '', { required, max: def.max ?? DEFAULT_TEXT_MAX });
  if (!text.ok) {
    if (text.error === 'empty') return { issue: { field: def.id, code: 'required' } };
    if (text.error === 'too_long') {
      return {
        issue: {
          field: def.id,
          code: 'too_long',
          params: { max: def.max ?? DEFAULT_TEXT_MAX, length: (raw ?? '').length },
        },
      };
    }
    return { issue: { field: def.id, code: 'invalid' } };
  }
  const value = text.value;
  if (value === '') return { value: def.type === 'toggle' ? false : undefined };
  switch (def.type) {
    case 'text':
    case 'multiline':
      return { value };
    case 'email':
      return EMAIL.test(value) ? { value } : { issue: { field: def.id, code: 'invalid_email' } };
    case 'amount': {
      const r = parseSek(value);
      if (r.ok) return { value: r.value };
      return { issue: { field: def.id, code: `amount_${r.error}` } };
    }
    case 'number': {
      const n = Number(value.replace(/\s/g, '').replace(',', '.'));
      if (!Number.isFinite(n) || n < 0 || n > 1e9) return { issue: { field: def.id, code: 'invalid_number' } };
      return { value: n };
    }
    case 'date': {
      const r = parseDate(value);
      return r.ok ? { value: r.value } : { issue: { field: def.id, code: 'invalid_date' } };
    }
    case 'toggle':
      if (value === 'true' || value === 'false') return { value: value === 'true' };
      return { issue: { field: def.id, code: 'invalid_choice' } };
    case 'choice': {
      const allowed = options(def, ctx);
      return allowed.includes(value) ? { value } : { issue: { field: def.id, code: 'invalid_choice' } };
    }
    case 'multichoice': {
      const allowed = options(def, ctx);
      const picked = [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
      if (picked.some((p) => !allowed.includes(p))) return { issue: { field: def.id, code: 'invalid_choice' } };
      if (required && picked.length === 0) return { issue: { field: def.id, code: 'required' } };
      return { value: picked };
    }
  }
}

/** Checks one step's inputs; `inputs` is the whole draft so cross-step rules can see other answers. */
export function validateStep(
  step: StepDef,
  inputs: Record<string, string>,
  ctx: ValidationContext,
): StepValidation {
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const values: Record<string, unknown> = {};
  const relaxed = ctx.relaxedPortfolioIds.includes(inputs.portfolioId ?? '');
  const partIds = ctx.partsByPortfolio?.[inputs.portfolioId ?? ''];
  const fieldCtx = partIds ? { ...ctx, partIds } : ctx;

  for (const def of step.fields) {
    if (def.id.startsWith('sharePercent')) continue;
    const required = def.required && !(relaxed && def.relaxedForInnovation);
    const r = validateField(def, inputs[def.id], required, fieldCtx);
    // A part the chosen portfolio does not have open gets its own message.
    if (r.issue && def.id === 'part' && r.issue.code === 'invalid_choice' && PARTS.some((p) => p === inputs.part)) {
      r.issue = { field: 'part', code: 'part_not_open' };
    }
    if (r.issue) errors.push(r.issue);
    else if (r.value !== undefined) values[def.id] = r.value;
  }

  if (step.id === 'basics' && values.crossOrganisational === true && !values.partnerOrganisations) {
    errors.push({ field: 'partnerOrganisations', code: 'required_when_cross' });
  }
  if (step.id === 'benefit' && !relaxed) {
    if (values.yearlyEffectSek === undefined && values.yearlyEffectHours === undefined) {
      errors.push({ field: 'yearlyEffectSek', code: 'effect_required' });
    }
  }
  if (step.id === 'costs') validateCostSharing(inputs, values, errors);
  if (step.id === 'ownership') validateTimeline(values, errors, warnings);
  return { errors, warnings, values };
}

function validateCostSharing(
  inputs: Record<string, string>,
  values: Record<string, unknown>,
  errors: FieldIssue[],
): void {
  const rows: { organisation: string; percent: number }[] = [];
  for (let i = 1; i <= COST_SHARE_ROWS; i++) {
    const org = (inputs[`shareOrg${i}`] ?? '').trim();
    const pctRaw = (inputs[`sharePercent${i}`] ?? '').trim();
    if (!org && !pctRaw) continue;
    if (!org) {
      errors.push({ field: `shareOrg${i}`, code: 'share_without_org', params: { row: i } });
      continue;
    }
    if (!pctRaw) {
      errors.push({ field: `sharePercent${i}`, code: 'org_without_share', params: { row: i } });
      continue;
    }
    const pct = parseShare(pctRaw);
    if (!pct.ok) {
      errors.push({ field: `sharePercent${i}`, code: 'invalid_share', params: { row: i } });
      continue;
    }
    rows.push({ organisation: org, percent: pct.value });
  }
  const rowErrors = errors.some((e) => e.field.startsWith('shareOrg') || e.field.startsWith('sharePercent'));
  if (rowErrors) return;
  if (rows.length === 0) {
    errors.push({ field: 'shareOrg1', code: 'cost_sharing_required' });
    return;
  }
  const sum = rows.reduce((s, r) => s + r.percent, 0);
  if (!sharesSumTo100(rows.map((r) => r.percent))) {
    errors.push({ field: 'sharePercent1', code: 'shares_sum', params: { sum: Math.round(sum * 100) / 100 } });
    return;
  }
  values.costSharing = rows;
}

function validateTimeline(
  values: Record<string, unknown>,
  errors: FieldIssue[],
  warnings: FieldIssue[],
): void {
  const start = values.startDate as string | undefined;
  const end = values.endDate as string | undefined;
  if (!start || !end) return;
  if (end < start) {
    errors.push({ field: 'endDate', code: 'end_before_start' });
    return;
  }
  // The same rule allocation's timeline gate applies, for the year the project starts in.
  const timeline = { startDate: start, endDate: end, isStage: values.isStage === true };
  const year = applyingYear(timeline);
  if (year !== null && !fitsFiscalYear(timeline, year)) {
    warnings.push({ field: 'endDate', code: 'past_fiscal_year', params: { year: String(year) } });
  }
}

/** Validates every step, as on submit: the steps with errors are the ones to reopen. */
export function validateApplication(
  inputs: Record<string, string>,
  ctx: ValidationContext,
): { byStep: StepValidation[]; firstInvalidStep: number; values: Record<string, unknown> } {
  const byStep = STEPS.map((s) => validateStep(s, inputs, ctx));
  const firstInvalidStep = byStep.findIndex((v) => v.errors.length > 0);
  const values = Object.assign({}, ...byStep.map((v) => v.values)) as Record<string, unknown>;
  return { byStep, firstInvalidStep, values };
}
