import { IDEA_LIMITS } from '../services/ideas/submit-idea';
import { Role } from '../services/users/user-repository';
import { COMMAND_HELP } from './strings/help-strings';
import { FieldIssue } from '../services/applications/validate-step';
import { PortfolioDoc } from '../services/portfolios/portfolio-repository';
import { Locale } from '../services/shared/actor';
import { formatSek } from '../services/shared/amount';
import { issueText, messageCard } from './application-cards';
import type { OutboxCardRenderer } from './outbox-card-renderer';
import { AdaptiveCard, clip, escapeMarkdown, renderTemplate } from './render';
import { fmt, strings } from './strings';
import { VERBS } from './verbs';

export interface HelpContext {
  scope: 'personal' | 'channel';
  isAdmin: boolean;
  /** Help keys of the commands usable here (from the bot's command table); all listed keys when omitted. */
  commandKeys?: string[];
  /** The person's roles: commands limited to other roles are not shown. */
  roles?: Role[];
  unknownText?: string;
  localMode?: boolean;
  name?: string;
  welcome?: boolean;
}

/** What this user can do here: personal chat and channel differ, admins see more. */
export function helpCard(locale: Locale, ctx: HelpContext): AdaptiveCard {
  const t = strings(locale);
  const lines: { text: string; color?: string }[] = [];
  if (ctx.welcome) lines.push({ text: fmt(t.welcome, { name: escapeMarkdown(ctx.name ?? '') }) });
  if (ctx.unknownText !== undefined) {
    lines.push({ text: fmt(t.help.unknown, { text: escapeMarkdown(clip(ctx.unknownText, 80)) }), color: 'Warning' });
  }
  lines.push({ text: t.help.intro });
  if (ctx.scope === 'channel') lines.push({ text: t.help.channel[0] });
  const roles = new Set<Role>(ctx.roles ?? []);
  if (ctx.isAdmin) roles.add('admin');
  for (const key of ctx.commandKeys ?? Object.keys(COMMAND_HELP)) {
    const entry = COMMAND_HELP[key];
    if (!entry || (entry.roles && !entry.roles.some((r) => roles.has(r)))) continue;
    lines.push({ text: `• ${entry[locale]}` });
  }
  if (ctx.isAdmin) for (const l of t.help.admin) lines.push({ text: l });
  return messageCard({
    banner: ctx.localMode ? t.localModeBanner : '',
    title: t.help.title,
    lines,
    actions:
      ctx.scope === 'personal'
        ? [
            { title: t.actions.newApplication, verb: VERBS.applicationNew, style: 'positive' },
            { title: t.actions.newIdea, verb: VERBS.ideaNew },
            { title: t.actions.myApplications, verb: VERBS.applicationsList },
          ]
        : [],
  });
}

/** A short refusal or error, in the user's language. */
export function refusalCard(locale: Locale, text: string): AdaptiveCard {
  return messageCard({ title: strings(locale).appName, lines: [{ text, color: 'Attention' }] });
}

/** The idea sketch form (ny idé). */
export function ideaFormCard(
  locale: Locale,
  portfolios: PortfolioDoc[],
  values: Record<string, string>,
  errors: FieldIssue[] = [],
): AdaptiveCard {
  const t = strings(locale);
  const err = (f: string): string => {
    const e = errors.find((x) => x.field === f);
    return e ? issueText(t, e) : '';
  };
  const fields = [
    { id: 'title', kind: 'text', label: `${t.idea.fieldTitle} *`, hint: fmt(t.hints.maxChars, { max: IDEA_LIMITS.title }) },
    { id: 'need', kind: 'multiline', label: `${t.idea.fieldNeed} *`, hint: fmt(t.hints.maxChars, { max: IDEA_LIMITS.need }) },
    { id: 'organisation', kind: 'text', label: `${t.idea.fieldOrganisation} *`, hint: '' },
    { id: 'portfolioId', kind: 'choice', label: t.idea.fieldPortfolio, hint: t.choose },
  ].map((f) => ({
    ...f,
    value: values[f.id] ?? '',
    error: err(f.id),
    choices: f.id === 'portfolioId' ? portfolios.map((p) => ({ title: `${p.number}. ${p.name[locale]}`, value: p._id })) : [],
  }));
  return renderTemplate('idea-form', {
    heading: t.idea.title,
    intro: t.idea.intro,
    errorSummary: errors.length > 0 ? fmt(t.fixCount, { count: errors.length }) : '',
    fields,
    sendLabel: t.actions.sendIdea,
  });
}

const str = (v: unknown): string => (typeof v === 'string' ? escapeMarkdown(v) : '');
const portfolioName = (v: unknown, locale: Locale): string =>
  v && typeof v === 'object' ? str((v as Record<string, unknown>)[locale]) : '';

/** Cards the project office gets through the outbox (rendered when sent, in the recipient's language). */
export const officeOutboxCards: Record<string, OutboxCardRenderer> = {
  'office-application-notice': (model, locale) => {
    const t = strings(locale);
    return messageCard({
      title: fmt(t.office.newApplication, { regNo: str(model.regNo) }),
      lines: [{ text: `**${str(model.title)}**` }],
      facts: [
        { title: t.office.applicant, value: str(model.applicant) },
        { title: t.office.organisation, value: str(model.organisation) },
        { title: t.office.portfolio, value: portfolioName(model.portfolio, locale) },
        { title: t.office.devCost, value: typeof model.devCost === 'number' ? formatSek(model.devCost, locale) : '' },
        {
          title: t.office.runningCost,
          value: typeof model.yearlyRunningCost === 'number' ? formatSek(model.yearlyRunningCost, locale) : '',
        },
      ],
    });
  },
  'office-idea-notice': (model, locale) => {
    const t = strings(locale);
    return messageCard({
      title: t.office.newIdea,
      lines: [{ text: `**${str(model.title)}**` }, { text: clip(str(model.need), 1000) }],
      facts: [
        { title: t.office.applicant, value: str(model.applicant) },
        { title: t.office.organisation, value: str(model.organisation) },
        { title: t.office.portfolio, value: portfolioName(model.portfolio, locale) },
      ],
    });
  },
  'office-withdrawn-notice': (model, locale) => {
    const t = strings(locale);
    return messageCard({
      title: fmt(t.office.withdrawn, { regNo: str(model.regNo) }),
      lines: [{ text: `**${str(model.title)}**` }],
      facts: [{ title: t.office.applicant, value: str(model.applicant) }],
    });
  },
};
