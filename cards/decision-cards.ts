import { PARTS, type Part } from '../services/applications/wizard-steps';
import { Locale } from '../services/shared/actor';
import { formatSek } from '../services/shared/amount';
import { messageCard } from './application-cards';
import type { OutboxCardRenderer } from './outbox-card-renderer';
import { AdaptiveCard, escapeMarkdown } from './render';
import { fmt } from './strings';
import { allocationText } from './strings/allocation-strings';

const md = (v: unknown): string => (typeof v === 'string' ? escapeMarkdown(v) : '');
const amount = (v: unknown, locale: Locale): string =>
  typeof v === 'number' && Number.isFinite(v) ? formatSek(v, locale) : '';

/**
 * A decision as posted in the application's thread in the review channel and sent to the
 * applicant: outcome, amount, part, reasons, who decided under which delegation, who took no
 * part because of jäv, and the date. Rendered from the record's public facts.
 */
export function decisionNoticeCard(model: Record<string, unknown>, locale: Locale): AdaptiveCard {
  const t = allocationText(locale).notice;
  const approved = model.outcome === 'approved';
  const regNo = md(model.regNo);
  const title =
    model.correction === true
      ? fmt(t.correctedTitle, { regNo })
      : approved
        ? fmt(t.approvedTitle, { regNo, amount: amount(model.amount, locale) })
        : fmt(t.rejectedTitle, { regNo });
  const reasons =
    model.reasonText && typeof model.reasonText === 'object'
      ? (model.reasonText as Record<string, unknown>)[locale]
      : '';
  const portfolio =
    model.portfolioName && typeof model.portfolioName === 'object'
      ? (model.portfolioName as Record<string, unknown>)[locale]
      : '';
  const part =
    typeof model.part === 'string' && (PARTS as readonly string[]).includes(model.part)
      ? allocationText(locale).parts[model.part as Part]
      : '';
  const recused = Array.isArray(model.recusedNames)
    ? model.recusedNames.filter((n): n is string => typeof n === 'string')
    : [];
  return messageCard({
    title,
    lines: [
      { text: `**${md(model.title)}**` },
      { text: `${t.reasons}: ${md(reasons)}`, color: approved ? 'Good' : 'Default' },
    ],
    facts: [
      { title: t.organisation, value: md(model.organisation) },
      {
        title: t.portfolio,
        value: `${md(portfolio)} ${typeof model.year === 'number' ? model.year : ''}`.trim(),
      },
      { title: t.part, value: part },
      { title: t.requested, value: amount(model.requestedAmount, locale) },
      { title: t.granted, value: approved ? amount(model.amount, locale) : amount(0, locale) },
      { title: t.decidedBy, value: md(model.decidedByName) },
      { title: t.delegation, value: md(model.delegation) },
      { title: t.recused, value: recused.length > 0 ? recused.map(md).join(', ') : t.none },
      { title: t.date, value: md(model.decisionDate) },
    ],
  });
}

/** Decision cards sent through the outbox. */
export const decisionOutboxCards: Record<string, OutboxCardRenderer> = {
  'decision-notice': decisionNoticeCard,
};
