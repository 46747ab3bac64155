import type { FrameFieldError, FrameView } from '../services/allocation/frames';
import { PARTS, type Part } from '../services/applications/wizard-steps';
import type { PortfolioDoc } from '../services/portfolios/portfolio-repository';
import { Locale } from '../services/shared/actor';
import { formatSek } from '../services/shared/amount';
import { AdaptiveCard, escapeMarkdown, renderTemplate } from './render';
import { fmt } from './strings';
import { allocationText } from './strings/allocation-strings';

const pct = (v: number, locale: Locale): string => {
  const text = Number.isInteger(v) ? String(v) : v.toFixed(2);
  return locale === 'sv' ? text.replace('.', ',') : text;
};

/** The value of the frame picker: `<portfolioId>|<year>`. */
export const frameKey = (portfolioId: string, year: number): string => `${portfolioId}|${year}`;

/** All portfolios' frames per year, with a picker to change one (project office). */
export function framesOverviewCard(
  overview: { portfolio: PortfolioDoc; frames: FrameView[] }[],
  locale: Locale,
  chosen = '',
): AdaptiveCard {
  const t = allocationText(locale).frames;
  const choices: { title: string; value: string }[] = [];
  const portfolios = overview.map(({ portfolio, frames }) => {
    for (const f of frames)
      choices.push({
        title: `${portfolio.number}. ${portfolio.name[locale]} – ${f.year}`,
        value: frameKey(portfolio._id, f.year),
      });
    return {
      name: `${portfolio.number}. ${escapeMarkdown(portfolio.name[locale])}`,
      lines:
        frames.length > 0
          ? frames.map((f) => ({
              text: fmt(t.line, {
                year: f.year,
                amount: formatSek(f.amount, locale),
                innovation: pct(f.shares.innovation, locale),
                improvement: pct(f.shares.improvement, locale),
                maintenance: pct(f.shares.maintenance, locale),
                granted: formatSek(
                  PARTS.reduce((a, p) => a + f.used[p], 0),
                  locale,
                ),
              }),
            }))
          : [{ text: t.noFrames }],
    };
  });
  return renderTemplate('frame-overview', {
    title: t.title,
    intro: t.intro,
    portfolios,
    chooseLabel: t.choose,
    chosen: chosen || choices[0]?.value || '',
    choices,
    newYear: t.newYear,
    editLabel: t.edit,
  });
}

/** What the admin typed, shown again with the errors. */
export type FrameDraft = { amount: string } & Record<Part, string>;

/** The form for one portfolio's frame and year: amount and the three shares. */
export function frameFormCard(
  portfolio: PortfolioDoc,
  year: number,
  current: FrameView | null,
  locale: Locale,
  opts: {
    draft?: FrameDraft;
    errors?: FrameFieldError[];
    notice?: string;
    noticeColor?: string;
  } = {},
): AdaptiveCard {
  const all = allocationText(locale);
  const t = all.frames;
  const errors = opts.errors ?? [];
  const errorOf = (field: string): string => {
    const e = errors.find((x) => x.field === field);
    if (!e) return '';
    if (e.code === 'below_granted')
      return fmt(t.errors.below_granted, {
        part: all.parts[e.field],
        budget: formatSek(e.budget, locale),
        granted: formatSek(e.granted, locale),
      });
    if (e.code === 'sum') return '';
    if (e.field === 'amount') return t.errors.amount[e.code];
    return t.errors.share[e.code as keyof typeof t.errors.share] ?? '';
  };
  const sum = errors.find((e) => e.code === 'sum') as { sum: number } | undefined;
  const value = (field: 'amount' | Part): string => {
    if (opts.draft) return opts.draft[field];
    if (!current) return '';
    return field === 'amount' ? String(current.amount) : pct(current.shares[field], locale);
  };
  const lines: { text: string }[] = [];
  if (current) {
    lines.push({
      text: fmt(t.budgets, {
        parts: PARTS.map(
          (p) => `${all.partShort[p]} ${formatSek(current.budgets[p], locale)}`,
        ).join(', '),
      }),
    });
    lines.push({
      text: fmt(t.granted, {
        parts: PARTS.map((p) => `${all.partShort[p]} ${formatSek(current.used[p], locale)}`).join(
          ', ',
        ),
      }),
    });
  }
  return renderTemplate('frame-form', {
    title: fmt(t.formTitle, {
      portfolio: `${portfolio.number}. ${escapeMarkdown(portfolio.name[locale])}`,
      year,
    }),
    notice: opts.notice ?? '',
    noticeColor: opts.noticeColor ?? 'Good',
    lines,
    fields: [
      { id: 'frame_amount', label: t.amount, value: value('amount'), error: errorOf('amount') },
      ...PARTS.map((p) => ({
        id: `frame_${p}`,
        label: fmt(t.share, { part: all.parts[p] }),
        value: value(p),
        error: errorOf(p),
      })),
    ],
    sumError: sum ? fmt(t.errors.sum, { sum: pct(sum.sum, locale) }) : '',
    saveLabel: t.save,
    backLabel: t.title,
    portfolioId: portfolio._id,
    year: String(year),
    version: String(current?.version ?? 0),
  });
}
