import { DateTime } from 'luxon';
import type { ErasurePlan } from '../services/privacy/erase-person';
import type { ErasureCounts } from '../services/privacy/privacy-requests';
import type { Subject } from '../services/privacy/subject';
import type { Locale } from '../services/shared/actor';
import { STOCKHOLM_ZONE } from '../services/shared/dates';
import { AdaptiveCard, escapeMarkdown, renderTemplate } from './render';
import { fmt } from './strings';
import { insightText } from './strings/insight-strings';
import { VERBS } from './verbs';

type Line = { text: string; color?: string };
type Action = { title: string; verb: string; data: Record<string, unknown>; style?: string };

interface PrivacyCardInput {
  title: string;
  lines?: Line[];
  facts?: { title: string; value: string }[];
  keptTitle?: string;
  kept?: { title: string; value: string }[];
  links?: { title: string; url: string }[];
  actions?: Action[];
}

function privacyCard(input: PrivacyCardInput): AdaptiveCard {
  return renderTemplate('privacy-card', {
    title: input.title,
    lines: (input.lines ?? []).map((l) => ({ text: l.text, color: l.color ?? 'Default' })),
    facts: input.facts ?? [],
    keptTitle: input.keptTitle ?? '',
    kept: input.kept ?? [],
    links: input.links ?? [],
    actions: (input.actions ?? []).map((a) => ({ ...a, style: a.style ?? 'default' })),
  });
}

/** How a person is named on the admin's card: name and id or e-mail (never stored in the audit log). */
export function subjectLabel(subject: Subject, locale: Locale): string {
  const t = insightText(locale).privacy;
  const key = subject.aadObjectId ?? subject.emails[0] ?? '';
  return escapeMarkdown(`${subject.name ?? t.unknownName} (${key})`);
}

const collectionLabel = (name: string, locale: Locale): string =>
  insightText(locale).collections[name] ?? name;
const subjectKey = (subject: Subject): string => subject.aadObjectId ?? subject.emails[0] ?? '';

/** What is stored about a person, with the export and erase actions (admins only). */
export function privacyOverviewCard(
  locale: Locale,
  subject: Subject,
  found: Record<string, number>,
): AdaptiveCard {
  const t = insightText(locale).privacy;
  const who = subjectLabel(subject, locale);
  const entries = Object.entries(found).filter(([, n]) => n > 0);
  if (entries.length === 0)
    return privacyCard({
      title: fmt(t.title, { who }),
      lines: [{ text: fmt(t.nothing, { who }) }],
    });
  const actions: Action[] = [
    {
      title: t.export,
      verb: VERBS.privacyExport,
      data: { subject: subjectKey(subject) },
      style: 'positive',
    },
  ];
  const lines: Line[] = [{ text: t.found }];
  if (subject.aadObjectId)
    actions.push({
      title: t.erase,
      verb: VERBS.privacyEraseAsk,
      data: { subject: subject.aadObjectId },
      style: 'destructive',
    });
  else lines.push({ text: t.emailOnly, color: 'Warning' });
  return privacyCard({
    title: fmt(t.title, { who }),
    lines,
    facts: entries.map(([name, n]) => ({ title: collectionLabel(name, locale), value: String(n) })),
    actions,
  });
}

/** The signed, short-lived link to a person's export. */
export function privacyExportCard(
  locale: Locale,
  subject: Subject,
  url: string,
  expiresAt: Date,
): AdaptiveCard {
  const t = insightText(locale).privacy;
  const until = DateTime.fromJSDate(expiresAt, { zone: STOCKHOLM_ZONE }).toFormat('HH:mm');
  return privacyCard({
    title: fmt(t.exportTitle, { who: subjectLabel(subject, locale) }),
    lines: [{ text: fmt(t.exportReady, { until }) }, { text: t.exportReview, color: 'Warning' }],
    links: [{ title: t.download, url }],
  });
}

function countFacts(
  counts: ErasureCounts,
  locale: Locale,
  kept: boolean,
): { title: string; value: string }[] {
  const t = insightText(locale).privacy;
  return Object.entries(counts)
    .filter(([k, n]) => n > 0 && k.endsWith(':kept') === kept)
    .map(([k, n]) => ({
      title: kept ? collectionLabel(k.slice(0, -':kept'.length), locale) : (t.counts[k] ?? k),
      value: String(n),
    }));
}

/** Asks the admin to confirm an erasure, showing what goes and what stays as public records. */
export function privacyConfirmCard(
  locale: Locale,
  plan: ErasurePlan,
  counts: ErasureCounts,
): AdaptiveCard {
  const t = insightText(locale).privacy;
  const erase = countFacts(counts, locale, false);
  return privacyCard({
    title: fmt(t.confirmTitle, { who: subjectLabel(plan.subject, locale) }),
    lines:
      erase.length > 0
        ? [{ text: t.irreversible, color: 'Warning' }, { text: t.confirmIntro }]
        : [{ text: t.nothingToErase }],
    facts: erase,
    keptTitle: countFacts(counts, locale, true).length > 0 ? t.keptIntro : '',
    kept: countFacts(counts, locale, true),
    actions: [
      ...(erase.length > 0
        ? [
            {
              title: t.confirm,
              verb: VERBS.privacyEraseConfirm,
              data: { subject: plan.subject.aadObjectId },
              style: 'destructive',
            },
          ]
        : []),
      { title: t.cancel, verb: VERBS.privacyCancel, data: { subject: plan.subject.aadObjectId } },
    ],
  });
}

/** After an erasure: what was erased and what was kept. */
export function privacyDoneCard(locale: Locale, counts: ErasureCounts): AdaptiveCard {
  const t = insightText(locale).privacy;
  return privacyCard({
    title: t.doneTitle,
    lines: [{ text: t.done, color: 'Good' }, { text: t.irreversible }],
    facts: countFacts(counts, locale, false),
    keptTitle: countFacts(counts, locale, true).length > 0 ? t.keptIntro : '',
    kept: countFacts(counts, locale, true),
  });
}

/** The erasure was cancelled. */
export function privacyCancelledCard(locale: Locale): AdaptiveCard {
  const t = insightText(locale).privacy;
  return privacyCard({ title: t.cancel, lines: [{ text: t.cancelled }] });
}

/** How to use `personuppgifter`. */
export function privacyUsageCard(locale: Locale, error = ''): AdaptiveCard {
  const t = insightText(locale);
  return privacyCard({
    title: fmt(t.privacy.title, { who: '…' }),
    lines: [...(error ? [{ text: error, color: 'Attention' }] : []), { text: t.privacy.usage }],
  });
}
