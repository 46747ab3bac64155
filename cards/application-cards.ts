import { ApplicationDoc } from '../services/applications/application';
import { FieldIssue, StepValidation } from '../services/applications/validate-step';
import {
  FieldDef,
  KF_GOALS,
  PARTS,
  REUSE_OPTIONS,
  SECURITY_CLASSES,
  STEPS,
  STEP_COUNT,
} from '../services/applications/wizard-steps';
import { PortfolioDoc } from '../services/portfolios/portfolio-repository';
import { Locale } from '../services/shared/actor';
import { formatSek } from '../services/shared/amount';
import { AdaptiveCard, clip, escapeMarkdown, renderTemplate } from './render';
import { fmt, strings, Strings } from './strings';
import { coachStrings } from './strings/coach-strings';
import { VERBS } from './verbs';

interface Choice {
  title: string;
  value: string;
}

interface ActionVm {
  title: string;
  verb: string;
  style: 'default' | 'positive' | 'destructive';
  target: string;
  appId?: string;
}

function fieldLabel(t: Strings, id: string): string {
  const m = /^(shareOrg|sharePercent)(\d)$/.exec(id);
  if (m) return fmt(t.fields[m[1] as 'shareOrg' | 'sharePercent'], { n: m[2] });
  return (t.fields as Record<string, string>)[id] ?? id;
}

function choicesFor(def: FieldDef, t: Strings, locale: Locale, portfolios: PortfolioDoc[]): Choice[] {
  switch (def.options) {
    case 'portfolios':
      return portfolios.map((p) => ({ title: `${p.number}. ${p.name[locale]}`, value: p._id }));
    case 'parts':
      return PARTS.map((p) => ({ title: t.parts[p], value: p }));
    case 'kfGoals':
      return KF_GOALS.map((g) => ({ title: t.kfGoals[g], value: g }));
    case 'reuse':
      return REUSE_OPTIONS.map((r) => ({ title: t.reuse[r], value: r }));
    case 'securityClass':
      return SECURITY_CLASSES.map((c) => ({ title: t.securityClass[c], value: c }));
    default:
      return [];
  }
}

/** Renders one validation issue in the user's language. */
export function issueText(t: Strings, issue: FieldIssue): string {
  const table = { ...t.errors, ...t.warnings } as Record<string, string>;
  const template = table[issue.code] ?? t.errors.invalid;
  return fmt(template, issue.params);
}

function hintFor(def: FieldDef, t: Strings): string {
  switch (def.type) {
    case 'amount':
      return t.hints.amount;
    case 'number':
      return def.id.startsWith('sharePercent') ? t.hints.percent : t.hints.hours;
    case 'date':
      return t.hints.date;
    case 'choice':
      return t.choose;
    case 'text':
    case 'multiline':
    case 'email':
      return def.max ? fmt(t.hints.maxChars, { max: def.max }) : '';
    default:
      return '';
  }
}

function kindFor(def: FieldDef): string {
  switch (def.type) {
    case 'amount':
    case 'email':
    case 'number':
      return 'text';
    default:
      return def.type;
  }
}

function isRelaxed(app: ApplicationDoc, portfolios: PortfolioDoc[]): boolean {
  return !!portfolios.find((p) => p._id === app.inputs.portfolioId)?.relaxedBenefit;
}

export interface WizardCardInput {
  app: ApplicationDoc;
  stepIndex: number;
  validation?: StepValidation;
  portfolios: PortfolioDoc[];
  locale: Locale;
  notice?: string;
}

/** The wizard's card for one step: "Steg 2 av 6", the step's fields, errors under each field. */
export function wizardStepCard({ app, stepIndex, validation, portfolios, locale, notice }: WizardCardInput): AdaptiveCard {
  const t = strings(locale);
  const step = STEPS[stepIndex];
  const relaxed = isRelaxed(app, portfolios);
  const errors = new Map<string, string>();
  const warnings = new Map<string, string>();
  for (const e of validation?.errors ?? []) if (!errors.has(e.field)) errors.set(e.field, issueText(t, e));
  for (const w of validation?.warnings ?? []) if (!warnings.has(w.field)) warnings.set(w.field, issueText(t, w));

  const fields = step.fields.map((def) => {
    const required = def.required && !(relaxed && def.relaxedForInnovation);
    const value = app.inputs[def.id] ?? (def.type === 'toggle' ? 'false' : '');
    return {
      id: def.id,
      kind: kindFor(def),
      label: `${fieldLabel(t, def.id)}${required ? ' *' : ''}`,
      value,
      hint: hintFor(def, t),
      choices: choicesFor(def, t, locale, portfolios),
      error: errors.get(def.id) ?? '',
      warning: warnings.get(def.id) ?? '',
    };
  });

  const last = stepIndex === STEP_COUNT - 1;
  const completing = app.status === 'completion_requested';
  const actions: ActionVm[] = [];
  if (stepIndex > 0 && !completing) actions.push(act(t.actions.back, VERBS.applicationBack));
  actions.push(act(t.actions.save, VERBS.applicationSave));
  actions.push(
    last || completing
      ? act(t.actions.review, VERBS.applicationReview, 'positive')
      : act(t.actions.next, VERBS.applicationNext, 'positive'),
  );
  actions.push(act(coachStrings[locale].askCoach, VERBS.coachAskForm));

  let stepHint = '';
  if (step.id === 'benefit' && relaxed) stepHint = t.hints.relaxed;
  if (step.id === 'costs') stepHint = t.hints.costSharing;

  return renderTemplate('wizard-step', {
    heading: escapeMarkdown(app.inputs.title?.trim() ? clip(app.inputs.title.trim(), 120) : t.actions.newApplication),
    stepLabel: fmt(t.stepOf, { n: stepIndex + 1, total: STEP_COUNT, title: t.steps[step.id] }),
    notice: notice ?? '',
    errorSummary: errors.size > 0 ? fmt(t.fixCount, { count: errors.size }) : '',
    stepHint,
    fields,
    requiredNote: t.requiredNote,
    appId: app._id,
    step: stepIndex,
    actions,
  });
}

function act(title: string, verb: string, style: ActionVm['style'] = 'default', target = ''): ActionVm {
  return { title, verb, style, target };
}

/** How a stored input reads on the summary card. */
function displayValue(def: FieldDef, raw: string | undefined, t: Strings, locale: Locale, portfolios: PortfolioDoc[]): string {
  if (raw === undefined || raw.trim() === '') return '';
  const choices = choicesFor(def, t, locale, portfolios);
  switch (def.type) {
    case 'toggle':
      return raw === 'true' ? t.yes : t.no;
    case 'choice':
      return choices.find((c) => c.value === raw)?.title ?? raw;
    case 'multichoice':
      return raw
        .split(',')
        .map((v) => choices.find((c) => c.value === v.trim())?.title ?? v)
        .join('; ');
    default:
      return escapeMarkdown(clip(raw.trim(), 300));
  }
}

export interface SummaryCardInput {
  app: ApplicationDoc;
  portfolios: PortfolioDoc[];
  locale: Locale;
  byStep?: StepValidation[];
  readOnly?: boolean;
  heading?: string;
}

/** The summary before submit (and the read-only view of a submitted application). */
export function summaryCard({ app, portfolios, locale, byStep, readOnly, heading }: SummaryCardInput): AdaptiveCard {
  const t = strings(locale);
  const editable = !readOnly && (app.status === 'draft' || app.status === 'completion_requested');
  const sections = STEPS.map((step, index) => {
    const errs = byStep?.[index]?.errors ?? [];
    const facts = step.fields
      .map((def) => ({ title: fieldLabel(t, def.id), value: displayValue(def, app.inputs[def.id], t, locale, portfolios) }))
      .filter((f) => f.value !== '' || step.fields.find((d) => fieldLabel(t, d.id) === f.title)?.required);
    for (const f of facts) if (f.value === '') f.value = `*${t.summary.missing}*`;
    const reopened = !app.reopenedSteps || app.reopenedSteps.includes(step.id);
    return {
      title: fmt(t.stepOf, { n: index + 1, total: STEP_COUNT, title: t.steps[step.id] }),
      index,
      editable: editable && reopened,
      problem: errs.length > 0 ? errs.map((e) => `${fieldLabel(t, e.field)}: ${issueText(t, e)}`).join(' ') : '',
      facts,
    };
  });
  const errorCount = (byStep ?? []).reduce((n, v) => n + v.errors.length, 0);
  const actions: ActionVm[] = [];
  if (editable) {
    actions.push(act(t.actions.edit, VERBS.applicationGoto, 'default', String(Math.min(app.reached, STEP_COUNT - 1))));
    actions.push(act(t.actions.submit, VERBS.applicationSubmit, 'positive'));
  } else if (app.status !== 'withdrawn' && app.status !== 'approved' && app.status !== 'rejected') {
    actions.push(act(t.actions.withdraw, VERBS.applicationWithdraw, 'destructive'));
  }
  return renderTemplate('application-summary', {
    heading: heading ?? (readOnly ? `${escapeMarkdown(app.inputs.title ?? '')}${app.regNo ? ` (${app.regNo})` : ''}` : t.summary.title),
    intro: readOnly ? `${t.status[app.status]}` : t.summary.intro,
    errorSummary: errorCount > 0 ? t.submitted.invalid : '',
    sections,
    editLabel: t.actions.edit,
    appId: app._id,
    step: app.step,
    actions,
  });
}

/** The confirmation after submit, with the registration number. */
export function submittedCard(app: ApplicationDoc, locale: Locale, already: boolean): AdaptiveCard {
  const t = strings(locale);
  const title = escapeMarkdown(app.data?.title ?? app.inputs.title ?? '');
  return messageCard({
    title: t.submitted.title,
    lines: [{ text: already ? fmt(t.submitted.already, { regNo: app.regNo }) : fmt(t.submitted.body, { title, regNo: app.regNo }) }],
    facts: [
      { title: t.office.devCost, value: app.data ? formatSek(app.data.devCost, locale) : '' },
      { title: t.office.runningCost, value: app.data ? formatSek(app.data.yearlyRunningCost, locale) : '' },
    ],
    actions: [{ title: t.actions.myApplications, verb: VERBS.applicationsList, style: 'default', appId: app._id }],
  });
}

/** `mina ansökningar`: drafts and submitted applications with status and actions. */
export function applicationsListCard(apps: ApplicationDoc[], locale: Locale): AdaptiveCard {
  const t = strings(locale);
  const items = apps.map((app) => {
    const title = escapeMarkdown(clip((app.data?.title ?? app.inputs.title ?? '').trim() || t.list.untitled, 120));
    const parts = [t.status[app.status]];
    if (app.regNo) parts.unshift(app.regNo);
    if (app.status === 'draft') parts.push(fmt(t.list.stepInfo, { n: Math.min(app.step + 1, STEP_COUNT), total: STEP_COUNT }));
    parts.push(fmt(t.list.updated, { date: app.updatedAt.slice(0, 10) }));
    const actions: { title: string; verb: string; appId: string }[] = [];
    if (app.status === 'draft' || app.status === 'completion_requested') {
      actions.push({ title: t.actions.continue, verb: VERBS.applicationContinue, appId: app._id });
    } else {
      actions.push({ title: t.actions.view, verb: VERBS.applicationView, appId: app._id });
    }
    if (app.status !== 'withdrawn') actions.push({ title: coachStrings[locale].askCoach, verb: VERBS.coachAskForm, appId: app._id });
    if (app.status !== 'withdrawn' && app.status !== 'approved' && app.status !== 'rejected') {
      actions.push({ title: t.actions.withdraw, verb: VERBS.applicationWithdraw, appId: app._id });
    }
    return { title, meta: parts.join(' · '), actions };
  });
  return renderTemplate('applications-list', {
    heading: t.list.title,
    empty: apps.length === 0 ? t.list.empty : '',
    items,
    newLabel: t.actions.newApplication,
  });
}

export interface MessageCardInput {
  title: string;
  lines?: { text: string; color?: string }[];
  facts?: { title: string; value: string }[];
  actions?: { title: string; verb: string; style?: ActionVm['style']; appId?: string }[];
  banner?: string;
}

/** A plain informational card: title, lines, facts and buttons. */
export function messageCard(input: MessageCardInput): AdaptiveCard {
  return renderTemplate('message', {
    banner: input.banner ?? '',
    title: input.title,
    lines: (input.lines ?? []).map((l) => ({ text: l.text, color: l.color ?? 'Default' })),
    facts: (input.facts ?? []).filter((f) => f.value !== ''),
    actions: (input.actions ?? []).map((a) => ({ ...a, style: a.style ?? 'default', appId: a.appId ?? '' })),
  });
}

/** Asks the applicant to confirm a withdrawal. */
export function withdrawConfirmCard(app: ApplicationDoc, locale: Locale): AdaptiveCard {
  const t = strings(locale);
  return messageCard({
    title: t.actions.withdraw,
    lines: [{ text: fmt(t.withdraw.confirm, { title: escapeMarkdown(app.data?.title ?? app.inputs.title ?? t.list.untitled) }) }],
    actions: [
      { title: t.actions.confirmWithdraw, verb: VERBS.applicationWithdrawConfirm, style: 'destructive', appId: app._id },
      { title: t.actions.myApplications, verb: VERBS.applicationsList, appId: app._id },
    ],
  });
}
