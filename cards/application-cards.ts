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
import { isOffered, PortfolioDoc } from '../services/portfolios/portfolio-repository';
import { partChoices } from './part-choices';
import { Locale } from '../services/shared/actor';
import { formatSek, NBSP, parseSek } from '../services/shared/amount';
import { parseShare } from '../services/shared/percent';
import { statusBadge } from './status-badge';
import { AdaptiveCard, clip, escapeMarkdown, renderTemplate } from './render';
import { fmt, strings, Strings } from './strings';
import { applicationText } from './strings/application-strings';
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

/** A whole number with the locale's thousands separator: sv "4 144" (no-break space), en "4,144". */
export function groupedInteger(value: number, locale: Locale): string {
  if (!Number.isFinite(value)) return String(value);
  const sign = value < 0 ? '-' : '';
  const digits = String(Math.round(Math.abs(value)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, locale === 'en' ? ',' : NBSP);
  return `${sign}${grouped}`;
}

/** A number with at most two decimals in the locale's form: sv "60,5", en "60.5", grouped. */
function decimalNumber(value: number, locale: Locale): string {
  const whole = Math.trunc(value);
  const fraction = Math.round(Math.abs(value - whole) * 100);
  const intPart = groupedInteger(whole, locale);
  if (fraction === 0) return intPart;
  const dec = String(fraction).padStart(2, '0').replace(/0$/, '');
  return `${intPart}${locale === 'en' ? '.' : ','}${dec}`;
}

/** Renders one validation issue in the user's language (counts with thousands separators). */
export function issueText(t: Strings, issue: FieldIssue): string {
  const table = { ...t.errors, ...t.warnings } as Record<string, string>;
  const template = table[issue.code] ?? t.errors.invalid;
  const locale: Locale = t === strings('en') ? 'en' : 'sv';
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(issue.params ?? {})) {
    // Years stay as written ("2027"); counts and limits get separators ("4 144 tecken").
    params[k] = typeof v === 'number' && k !== 'year' && k !== 'row' && Number.isInteger(v) ? groupedInteger(v, locale) : v;
  }
  return fmt(template, params);
}

function hintFor(def: FieldDef, t: Strings, locale: Locale): string {
  switch (def.type) {
    case 'amount':
      return t.hints.amount;
    case 'number':
      return def.id.startsWith('sharePercent') ? t.hints.percent : t.hints.hours;
    case 'date':
      return t.hints.date;
    case 'choice':
      return applicationText(locale).choosePlaceholder;
    case 'text':
    case 'multiline':
    case 'email':
      return def.max ? fmt(applicationText(locale).maxChars, { max: groupedInteger(def.max, locale) }) : '';
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
  /** Errors to show (after a save that stayed) and warnings (whenever the step is shown). */
  validation?: StepValidation;
  portfolios: PortfolioDoc[];
  locale: Locale;
  notice?: string;
  /** The project office's request for completion, repeated at the top of a reopened step. */
  officeNote?: { byName: string; note: string };
}

/** The wizard's card for one step: "Steg 2 av 6", the step's fields, errors under each field. */
export function wizardStepCard({ app, stepIndex, validation, portfolios, locale, notice, officeNote }: WizardCardInput): AdaptiveCard {
  const t = strings(locale);
  const ta = applicationText(locale);
  const step = STEPS[stepIndex];
  const relaxed = isRelaxed(app, portfolios);
  // Closed portfolios are not offered; a draft keeps the one it already chose.
  const offered = portfolios.filter((p) => isOffered(p) || p._id === app.inputs.portfolioId);
  const errors = new Map<string, string>();
  const warnings = new Map<string, string>();
  for (const e of validation?.errors ?? []) if (!errors.has(e.field)) errors.set(e.field, issueText(t, e));
  for (const w of validation?.warnings ?? []) {
    if (!warnings.has(w.field)) warnings.set(w.field, fmt(ta.stepWarning, { text: issueText(t, w) }));
  }

  const fields = step.fields.map((def) => {
    const required = def.required && !(relaxed && def.relaxedForInnovation);
    const value = app.inputs[def.id] ?? (def.type === 'toggle' ? 'false' : '');
    const choices =
      def.options === 'parts' ? partChoices(offered, app.inputs, locale) : choicesFor(def, t, locale, offered);
    // A dropdown with nothing chosen shows "Välj …" as its first entry, whatever the client does
    // with `placeholder`; choosing it again clears the answer.
    if (def.type === 'choice') choices.unshift({ title: ta.choosePlaceholder, value: '' });
    return {
      id: def.id,
      kind: kindFor(def),
      label: `${fieldLabel(t, def.id)}${required ? ' *' : ''}`,
      value,
      hint: hintFor(def, t, locale),
      choices,
      error: errors.has(def.id) ? fmt(ta.errorMark, { text: errors.get(def.id)! }) : '',
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
    notice: notice ? fmt(ta.savedNotice, { text: notice }) : '',
    officeNoteTitle: officeNote ? ta.officeNoteTitle : '',
    officeNoteBy: officeNote ? fmt(ta.officeNoteBy, { name: escapeMarkdown(officeNote.byName) }) : '',
    officeNote: officeNote ? (officeNote.note.trim() ? escapeMarkdown(clip(officeNote.note.trim(), 2000)) : ta.officeNoteNone) : '',
    inputIds: step.fields.map((f) => f.id).join(','),
    errorSummary: errors.size > 0 ? fmt(ta.errorMark, { text: fmt(t.fixCount, { count: errors.size }) }) : '',
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

/** How a stored input reads on the summary card: names for choices, amounts and shares formatted. */
function displayValue(def: FieldDef, raw: string | undefined, t: Strings, locale: Locale, portfolios: PortfolioDoc[]): string {
  if (raw === undefined || raw.trim() === '') return '';
  const choices = choicesFor(def, t, locale, portfolios);
  const ta = applicationText(locale);
  switch (def.type) {
    case 'toggle':
      return raw === 'true' ? t.yes : t.no;
    case 'choice': {
      if (def.options === 'portfolios') {
        // The portfolio as the applicant knows it: its name, never the stored id.
        const p = portfolios.find((x) => x._id === raw);
        return p ? escapeMarkdown(p.name[locale]) : escapeMarkdown(clip(raw.trim(), 120));
      }
      return choices.find((c) => c.value === raw)?.title ?? escapeMarkdown(clip(raw.trim(), 120));
    }
    case 'amount': {
      const r = parseSek(raw);
      return r.ok ? formatSek(r.value, locale) : escapeMarkdown(clip(raw.trim(), 300));
    }
    case 'number': {
      if (def.id.startsWith('sharePercent')) {
        const r = parseShare(raw);
        return r.ok ? fmt(ta.percentValue, { percent: decimalNumber(r.value, locale) }) : escapeMarkdown(clip(raw.trim(), 300));
      }
      const n = Number(raw.replace(/\s/g, '').replace(',', '.'));
      return Number.isFinite(n) && n >= 0
        ? fmt(ta.hoursValue, { hours: decimalNumber(n, locale) })
        : escapeMarkdown(clip(raw.trim(), 300));
    }
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
  const ta = applicationText(locale);
  const editable = !readOnly && (app.status === 'draft' || app.status === 'completion_requested');
  const sections = STEPS.map((step, index) => {
    const errs = byStep?.[index]?.errors ?? [];
    const warns = byStep?.[index]?.warnings ?? [];
    const facts = step.fields
      .map((def) => ({ title: fieldLabel(t, def.id), value: displayValue(def, app.inputs[def.id], t, locale, portfolios), required: def.required }))
      .filter((f) => f.value !== '' || f.required)
      .map(({ title, value }) => ({ title, value }));
    for (const f of facts) if (f.value === '') f.value = `*${t.summary.missing}*`;
    const reopened = !app.reopenedSteps || app.reopenedSteps.includes(step.id);
    return {
      title: fmt(t.stepOf, { n: index + 1, total: STEP_COUNT, title: t.steps[step.id] }),
      index,
      editable: editable && reopened,
      problem:
        errs.length > 0
          ? fmt(ta.errorMark, { text: errs.map((e) => `${fieldLabel(t, e.field)}: ${issueText(t, e)}`).join(' ') })
          : '',
      warning: warns.length > 0 ? fmt(ta.summaryWarning, { text: warns.map((w) => issueText(t, w)).join(' ') }) : '',
      facts,
    };
  });
  const errorCount = (byStep ?? []).reduce((n, v) => n + v.errors.length, 0);
  const actions: ActionVm[] = [];
  if (editable) {
    actions.push(act(t.actions.edit, VERBS.applicationGoto, 'default', String(Math.min(app.reached, STEP_COUNT - 1))));
    actions.push(act(t.actions.submit, VERBS.applicationSubmit, 'positive'));
    if (app.status === 'draft') actions.push(act(ta.deleteDraft, VERBS.applicationDeleteDraft, 'destructive'));
  } else if (app.status !== 'withdrawn' && app.status !== 'approved' && app.status !== 'rejected') {
    actions.push(act(t.actions.withdraw, VERBS.applicationWithdraw, 'destructive'));
  }
  return renderTemplate('application-summary', {
    heading: heading ?? (readOnly ? `${escapeMarkdown(app.inputs.title ?? '')}${app.regNo ? ` (${app.regNo})` : ''}` : t.summary.title),
    intro: readOnly ? statusBadge(app.status, locale) : t.summary.intro,
    errorSummary: errorCount > 0 ? fmt(ta.errorMark, { text: t.submitted.invalid }) : '',
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

/** `mina ansökningar` lives in its own file; re-exported for the callers that import it from here. */
export { applicationsListCard } from './applications-list-card';

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

/** Asks the applicant to confirm deleting a draft. */
export function deleteDraftConfirmCard(app: ApplicationDoc, locale: Locale): AdaptiveCard {
  const t = strings(locale);
  const ta = applicationText(locale);
  return messageCard({
    title: ta.deleteDraft,
    lines: [{ text: fmt(ta.deleteConfirm, { title: escapeMarkdown(clip(app.inputs.title?.trim() || t.list.untitled, 120)) }) }],
    actions: [
      { title: ta.deleteConfirmButton, verb: VERBS.applicationDeleteDraftConfirm, style: 'destructive', appId: app._id },
      { title: ta.deleteCancel, verb: VERBS.applicationsList, appId: app._id },
    ],
  });
}

/** After a draft is deleted: says so, with the way back to the list. */
export function draftDeletedCard(app: ApplicationDoc, locale: Locale): AdaptiveCard {
  const t = strings(locale);
  const ta = applicationText(locale);
  return messageCard({
    title: ta.deletedTitle,
    lines: [{ text: fmt(ta.deletedBody, { title: escapeMarkdown(clip(app.inputs.title?.trim() || t.list.untitled, 120)) }) }],
    actions: [{ title: t.actions.myApplications, verb: VERBS.applicationsList }],
  });
}
