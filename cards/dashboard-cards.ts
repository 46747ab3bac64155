import { DateTime } from 'luxon';
import type { Dashboard, ApplicationPage } from '../services/insight/dashboard';
import type {
  BenefitFigures,
  GuidelineFigures,
  OverdueReport,
  PortfolioFigures,
  SurveyFigures,
} from '../services/insight/figures';
import type { InsightExport } from '../services/insight/register-export';
import type { Locale } from '../services/shared/actor';
import { formatSek, NBSP } from '../services/shared/amount';
import { STOCKHOLM_ZONE } from '../services/shared/dates';
import { periodLabel } from './followup-cards';
import { AdaptiveCard, clip, escapeMarkdown, renderTemplate } from './render';
import { fmt, formatCount, strings } from './strings';
import { insightText } from './strings/insight-strings';
import { groupedInteger } from './application-cards';
import { VERBS } from './verbs';

type Fact = { title: string; value: string };

/** Colours for the portfolios in charts (Teams chart colour names), in portfolio order. */
const PORTFOLIO_COLORS = [
  'categoricalBlue',
  'categoricalTeal',
  'categoricalPurple',
  'categoricalMarigold',
  'categoricalGreen',
  'categoricalRed',
  'categoricalLavender',
  'categoricalLime',
];
const PART_COLORS = {
  innovation: 'categoricalPurple',
  improvement: 'categoricalBlue',
  maintenance: 'categoricalTeal',
} as const;
/** Overdue reports listed on a portfolio card; the rest are counted. */
const MAX_OVERDUE_LINES = 15;

/** A number with the locale's decimal mark and one decimal at most ("12,5" / "12.5"). */
export function decimal(value: number, locale: Locale, decimals = 1): string {
  const fixed = (Math.round(value * 10 ** decimals) / 10 ** decimals)
    .toFixed(decimals)
    .replace(/\.0+$/, '');
  return locale === 'sv' ? fixed.replace('.', ',') : fixed;
}

/** Kronor as millions for chart axes (charts take numbers). */
export const mkr = (sek: number): number => Math.round(sek / 100_000) / 10;

export type MoneyUnit = 'mkr' | 'tkr' | 'kr';

/**
 * The unit a money chart is drawn in, chosen from its largest value so that its bars are whole,
 * readable numbers: a chart of 40 000 kr in millions would draw 0.04 and its axis would tick
 * in exponent notation ("1.67e-5"). Millions (one decimal) from 1 mkr, thousands from 1 tkr.
 */
export function moneyScale(values: number[]): { unit: MoneyUnit; scale: (sek: number) => number } {
  const max = Math.max(0, ...values.map((v) => (Number.isFinite(v) ? Math.abs(v) : 0)));
  if (max >= 1_000_000) return { unit: 'mkr', scale: mkr };
  if (max >= 10_000) return { unit: 'tkr', scale: (v) => Math.round(v / 1000) };
  if (max >= 1_000) return { unit: 'tkr', scale: (v) => Math.round(v / 100) / 10 };
  return { unit: 'kr', scale: (v) => Math.round(v) };
}

/** A chart is drawn only when some value is above zero: an all-zero axis ticks in nonsense. */
const drawable = (values: number[]): boolean => values.some((v) => Number.isFinite(v) && v > 0);

const sek = (v: number, locale: Locale): string => formatSek(v, locale);

function ratio(part: number, whole: number, locale: Locale): string {
  const t = insightText(locale);
  if (whole <= 0) return t.none;
  return fmt(t.indicators.ratio, { percent: decimal((part / whole) * 100, locale), part, whole });
}

const pctOrNone = (v: number | null, locale: Locale): string =>
  v === null
    ? insightText(locale).none
    : fmt(insightText(locale).indicators.percentOnly, { percent: decimal(v, locale) });

function statusSummary(counts: PortfolioFigures['statusCounts'], locale: Locale): string {
  const names = strings(locale).status;
  const forms = insightText(locale).dashboard.statusCounts;
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([st, n]) => {
      const form = forms[st];
      const word = form ? form[n === 1 ? 0 : 1] : names[st as keyof typeof names].toLowerCase();
      return `${formatCount(n, locale)}${NBSP}${word}`;
    });
  return parts.join(', ');
}

/** "3 (2 inskickade, 1 beviljad)", or "0". */
function applicationCount(
  total: number,
  counts: PortfolioFigures['statusCounts'],
  locale: Locale,
): string {
  return total > 0 ? `${formatCount(total, locale)} (${statusSummary(counts, locale)})` : '0';
}

/** Kronor and working hours of a yearly effect: "600 000 kr och 2 000 arbetstimmar". */
function benefitAmount(kronor: number, hours: number, locale: Locale): string {
  const t = insightText(locale).dashboard;
  const h = Number.isFinite(hours) && hours > 0 ? hours : 0;
  if (h === 0) return sek(kronor, locale);
  const hoursText = groupedInteger(h, locale);
  return kronor > 0
    ? fmt(t.benefitWithHours, { sek: sek(kronor, locale), hours: hoursText })
    : fmt(t.benefitHoursOnly, { hours: hoursText });
}

function benefitFacts(b: BenefitFigures, locale: Locale): Fact[] {
  const t = insightText(locale).dashboard;
  return [
    {
      title: t.plannedBenefit,
      value:
        b.projects > 0
          ? benefitAmount(b.plannedSek, b.plannedHours, locale)
          : insightText(locale).none,
    },
    {
      title: t.realisedBenefit,
      value:
        b.projects > 0
          ? `${benefitAmount(b.realisedSek, b.realisedHours, locale)} · ${fmt(t.benefitCoverage, { reporting: b.reporting, projects: b.projects })}`
          : insightText(locale).none,
    },
    {
      title: t.effect,
      value:
        b.realisedRate === null
          ? insightText(locale).none
          : fmt(t.effectValue, {
              realised: decimal(b.realisedRate, locale),
              planned:
                b.plannedRate === null ? insightText(locale).none : decimal(b.plannedRate, locale),
            }),
    },
  ];
}

function indicatorFacts(
  f: {
    frame: number;
    granted: number;
    benefit: BenefitFigures;
    guidelines: GuidelineFigures;
    yearAfter: { due: number; done: number };
    survey: SurveyFigures;
  },
  locale: Locale,
): Fact[] {
  const t = insightText(locale).indicators;
  const g = f.guidelines;
  return [
    {
      title: t.frameUse,
      value:
        f.frame > 0
          ? fmt(t.ratio, {
              percent: decimal((f.granted / f.frame) * 100, locale),
              part: sek(f.granted, locale),
              whole: sek(f.frame, locale),
            })
          : insightText(locale).none,
    },
    { title: t.realisedRate, value: pctOrNone(f.benefit.realisedRate, locale) },
    { title: t.plannedRate, value: pctOrNone(f.benefit.plannedRate, locale) },
    { title: t.realisedOfPlanned, value: pctOrNone(f.benefit.realisedOfPlanned, locale) },
    { title: t.reuse, value: ratio(g.reuseCommon, g.funded, locale) },
    { title: t.accessibility, value: ratio(g.accessibilityPlan, g.funded, locale) },
    { title: t.itPositive, value: ratio(g.itStatementPositive, g.funded, locale) },
    { title: t.allThree, value: ratio(g.allThree, g.funded, locale) },
    { title: t.yearAfter, value: ratio(f.yearAfter.done, f.yearAfter.due, locale) },
    {
      title: t.survey,
      value:
        f.survey.mean === null
          ? insightText(locale).none
          : fmt(t.surveyValue, {
              mean: decimal(f.survey.mean, locale),
              count: f.survey.respondents,
            }),
    },
  ];
}

function moneyFacts(
  f: { frame: number; granted: number; remaining: number; requested: number; pending: number },
  locale: Locale,
): Fact[] {
  const t = insightText(locale).dashboard;
  const share = (v: number): string =>
    f.frame > 0
      ? fmt(t.share, { amount: sek(v, locale), percent: decimal((v / f.frame) * 100, locale) })
      : sek(v, locale);
  return [
    { title: t.frame, value: sek(f.frame, locale) },
    { title: t.granted, value: share(f.granted) },
    { title: t.remaining, value: share(f.remaining) },
    { title: t.requested, value: sek(f.requested, locale) },
    { title: t.pending, value: sek(f.pending, locale) },
  ];
}

const portfolioName = (p: Pick<PortfolioFigures, 'number' | 'name'>, locale: Locale): string =>
  `${p.number}. ${p.name[locale]}`;
const dateOf = (iso: string): string =>
  DateTime.fromISO(iso, { zone: STOCKHOLM_ZONE }).toFormat('yyyy-MM-dd HH:mm');

/** Says when the year shown has no applications, or that the dashboard moved to a year that has. */
function applicationsNotice(d: Dashboard, locale: Locale): string {
  const td = insightText(locale).dashboard;
  const years = d.applicationYears;
  if (!years) return '';
  if (years.length === 0) return td.noApplicationsAtAll;
  if (!years.includes(d.figures.year))
    return fmt(td.noApplicationsYear, { year: d.figures.year, years: years.join(', ') });
  return d.movedToApplicationsYear ? fmt(td.shownYear, { year: d.figures.year }) : '';
}

/** The yearly dashboard over every portfolio the person may see: charts with text fallbacks, facts, drill-downs. */
export function dashboardOverviewCard(locale: Locale, d: Dashboard): AdaptiveCard {
  const t = insightText(locale);
  const td = t.dashboard;
  const f = d.figures;
  const totals = f.totals;
  const coach = totals.coaching;
  const donutScale = moneyScale([...f.portfolios.map((p) => p.granted), totals.remaining]);
  const donutUnit = td.units[donutScale.unit];
  const donutData = [
    ...f.portfolios.map((p, i) => ({
      legend: clip(portfolioName(p, locale), 48),
      value: donutScale.scale(p.granted),
      color: PORTFOLIO_COLORS[i % PORTFOLIO_COLORS.length],
    })),
    {
      legend: td.remainingLegend,
      value: donutScale.scale(Math.max(0, totals.remaining)),
      color: 'neutral',
    },
  ];
  const series = [
    { legend: td.frame, pick: (p: PortfolioFigures) => p.frame },
    { legend: td.granted, pick: (p: PortfolioFigures) => p.granted },
    { legend: td.pending, pick: (p: PortfolioFigures) => p.pending },
  ];
  const barScale = moneyScale(f.portfolios.flatMap((p) => series.map((x) => x.pick(p))));
  const barUnit = td.units[barScale.unit];
  const rated = f.portfolios.filter((p) => p.benefit.realisedRate !== null);
  const rate = (p: PortfolioFigures): number => Math.round((p.benefit.realisedRate ?? 0) * 10) / 10;
  return renderTemplate('dashboard-overview', {
    title: fmt(td.title, { year: f.year }),
    subtitle: fmt(td.subtitle, { date: dateOf(f.asOf) }),
    notice: [d.scope.all ? '' : td.scoped, applicationsNotice(d, locale)]
      .filter((x) => x !== '')
      .join(' '),
    yearLabel: td.yearLabel,
    yearValue: String(f.year),
    yearChoices: d.years.map((y) => ({ title: String(y), value: String(y) })),
    showLabel: td.show,
    showVerb: VERBS.dashboardShow,
    totalsHeading: td.totals,
    totalFacts: [
      ...moneyFacts(totals, locale),
      {
        title: td.applications,
        value: applicationCount(totals.applications, totals.statusCounts, locale),
      },
      ...benefitFacts(totals.benefit, locale),
      {
        title: td.coach,
        value:
          coach.medianFirstAnswerHours === null
            ? t.none
            : fmt(td.coachValue, {
                hours: decimal(coach.medianFirstAnswerHours, locale),
                asked: coach.asked,
              }),
      },
      {
        title: td.coachP90,
        value:
          coach.p90FirstAnswerHours === null
            ? t.none
            : fmt(td.hours, { hours: decimal(coach.p90FirstAnswerHours, locale) }),
      },
      { title: td.overdue, value: formatCount(totals.overdue.length, locale) },
    ],
    donut: {
      title: fmt(td.donutTitle, { year: f.year, unit: donutUnit }),
      visible: drawable(donutData.map((x) => x.value)),
      data: donutData,
      facts: donutData.map((x) => ({
        // A fact's title is markdown: "1. Portfölj 1" alone would be a numbered list ("1.").
        title: escapeMarkdown(x.legend),
        value: `${decimal(x.value, locale)}${NBSP}${donutUnit}`,
      })),
    },
    bars: {
      title: fmt(td.barsTitle, { unit: barUnit }),
      xAxisTitle: td.axisPortfolio,
      yAxisTitle: barUnit,
      visible:
        f.portfolios.length > 0 &&
        drawable(f.portfolios.flatMap((p) => series.map((x) => barScale.scale(x.pick(p))))),
      data: series.map((s) => ({
        legend: s.legend,
        values: f.portfolios.map((p) => ({ x: String(p.number), y: barScale.scale(s.pick(p)) })),
      })),
      facts: f.portfolios.map((p) => ({
        title: escapeMarkdown(portfolioName(p, locale)),
        value: series
          .map((s) => `${s.legend} ${decimal(barScale.scale(s.pick(p)), locale)}${NBSP}${barUnit}`)
          .join(' · '),
      })),
    },
    rates: {
      title: td.ratesTitle,
      xAxisTitle: td.axisPortfolio,
      yAxisTitle: td.axisPercent,
      visible: drawable(rated.map(rate)),
      data: rated.map((p) => ({
        x: String(p.number),
        y: rate(p),
        legend: clip(portfolioName(p, locale), 48),
      })),
      facts: rated.map((p) => ({
        title: escapeMarkdown(portfolioName(p, locale)),
        value: pctOrNone(p.benefit.realisedRate, locale),
      })),
    },
    portfolios: f.portfolios.map((p) => ({
      portfolioId: p.portfolioId,
      heading: escapeMarkdown(portfolioName(p, locale)),
      openLabel: fmt(td.openPortfolio, { number: p.number }),
      warning: [
        p.hasFrame ? '' : fmt(td.noFrame, { year: f.year }),
        p.overdue.length > 0
          ? fmt(td.overdueWarning, { count: formatCount(p.overdue.length, locale) })
          : '',
      ]
        .filter((x) => x !== '')
        .map((x) => `⚠️ ${x}`)
        .join(' · '),
      facts: [
        ...moneyFacts(p, locale),
        { title: td.applications, value: applicationCount(p.applications, p.statusCounts, locale) },
        ...benefitFacts(p.benefit, locale),
        {
          title: td.coach,
          value:
            p.coaching.medianFirstAnswerHours === null
              ? t.none
              : fmt(td.coachValue, {
                  hours: decimal(p.coaching.medianFirstAnswerHours, locale),
                  asked: p.coaching.asked,
                }),
        },
        { title: td.overdue, value: String(p.overdue.length) },
      ],
    })),
    portfolioVerb: VERBS.dashboardPortfolio,
    listVerb: VERBS.dashboardApplications,
    listLabel: td.listApplications,
    year: f.year,
    indicatorsTitle: t.indicators.title,
    indicatorFacts: indicatorFacts(totals, locale),
    actions: d.scope.admin
      ? [{ title: td.exports, verb: VERBS.dashboardExports, data: { year: f.year } }]
      : [],
  });
}

function overdueLines(overdue: OverdueReport[], locale: Locale): { text: string; color: string }[] {
  const td = insightText(locale).dashboard;
  if (overdue.length === 0) return [{ text: `✅ ${td.noOverdue}`, color: 'Default' }];
  const lines = overdue.slice(0, MAX_OVERDUE_LINES).map((o) => ({
    text: `⚠️ ${fmt(td.overdueLine, {
      regNo: escapeMarkdown(o.regNo),
      title: escapeMarkdown(clip(o.title, 80)),
      period: periodLabel(o.period, locale),
      dueDate: o.dueDate,
    })}`,
    color: 'Default',
  }));
  if (overdue.length > MAX_OVERDUE_LINES)
    lines.push({
      text: fmt(td.overdueMore, { count: overdue.length - MAX_OVERDUE_LINES }),
      color: 'Default',
    });
  return lines;
}

/** One portfolio in one year: its frame and parts, statuses, benefit, indicators and overdue reports. */
export function dashboardPortfolioCard(
  locale: Locale,
  d: Dashboard,
  portfolioId: string,
): AdaptiveCard | null {
  const p = d.figures.portfolios.find((x) => x.portfolioId === portfolioId);
  if (!p) return null;
  const t = insightText(locale);
  const td = t.dashboard;
  const year = d.figures.year;
  const partNames = strings(locale).parts;
  const statusNames = strings(locale).status;
  const donutScale = moneyScale([...p.parts.map((x) => x.granted), p.remaining]);
  const donutUnit = td.units[donutScale.unit];
  const donutData = [
    ...p.parts.map((x) => ({
      legend: partNames[x.part],
      value: donutScale.scale(x.granted),
      color: PART_COLORS[x.part],
    })),
    {
      legend: td.remainingLegend,
      value: donutScale.scale(Math.max(0, p.remaining)),
      color: 'neutral',
    },
  ];
  const series = [
    { legend: td.frame, pick: (x: PortfolioFigures['parts'][number]) => x.frame },
    { legend: td.granted, pick: (x: PortfolioFigures['parts'][number]) => x.granted },
    { legend: td.pending, pick: (x: PortfolioFigures['parts'][number]) => x.pending },
  ];
  const barScale = moneyScale(p.parts.flatMap((x) => series.map((s) => s.pick(x))));
  const barUnit = td.units[barScale.unit];
  const statuses = Object.entries(p.statusCounts).filter(([, n]) => n > 0);
  const benefitScale = moneyScale([p.benefit.plannedSek, p.benefit.realisedSek]);
  const benefitUnit = td.units[benefitScale.unit];
  const benefitData = [
    { x: td.planned, y: benefitScale.scale(p.benefit.plannedSek), legend: td.planned },
    { x: td.realised, y: benefitScale.scale(p.benefit.realisedSek), legend: td.realised },
  ];
  return renderTemplate('dashboard-portfolio', {
    title: escapeMarkdown(fmt(td.portfolioTitle, { number: p.number, name: p.name[locale], year })),
    subtitle: fmt(td.subtitle, { date: dateOf(d.figures.asOf) }),
    notice: [p.hasFrame ? '' : fmt(td.noFrame, { year }), p.relaxedBenefit ? td.relaxed : '']
      .filter((x) => x !== '')
      .join(' '),
    facts: [
      ...moneyFacts(p, locale),
      { title: td.applications, value: applicationCount(p.applications, p.statusCounts, locale) },
      ...benefitFacts(p.benefit, locale),
      {
        title: td.coach,
        value:
          p.coaching.medianFirstAnswerHours === null
            ? t.none
            : fmt(td.coachValue, {
                hours: decimal(p.coaching.medianFirstAnswerHours, locale),
                asked: p.coaching.asked,
              }),
      },
    ],
    donut: {
      title: fmt(td.donutPartsTitle, { year, unit: donutUnit }),
      visible: drawable(donutData.map((x) => x.value)),
      data: donutData,
      facts: donutData.map((x) => ({
        // A fact's title is markdown: "1. Portfölj 1" alone would be a numbered list ("1.").
        title: escapeMarkdown(x.legend),
        value: `${decimal(x.value, locale)}${NBSP}${donutUnit}`,
      })),
    },
    bars: {
      title: fmt(td.barsPartsTitle, { unit: barUnit }),
      xAxisTitle: td.axisPart,
      yAxisTitle: barUnit,
      visible: drawable(p.parts.flatMap((x) => series.map((s) => barScale.scale(s.pick(x))))),
      data: series.map((s) => ({
        legend: s.legend,
        values: p.parts.map((x) => ({ x: partNames[x.part], y: barScale.scale(s.pick(x)) })),
      })),
      facts: p.parts.map((x) => ({
        title: partNames[x.part],
        value: series
          .map((s) => `${s.legend} ${decimal(barScale.scale(s.pick(x)), locale)}${NBSP}${barUnit}`)
          .join(' · '),
      })),
    },
    statuses: {
      title: td.statusTitle,
      visible: statuses.length > 0,
      data: statuses.map(([st, n]) => ({
        x: statusNames[st as keyof typeof statusNames],
        y: n,
        legend: statusNames[st as keyof typeof statusNames],
      })),
      facts: statuses.map(([st, n]) => ({
        title: statusNames[st as keyof typeof statusNames],
        value: String(n),
      })),
    },
    benefit: {
      title: fmt(td.benefitTitle, { unit: benefitUnit }),
      yAxisTitle: benefitUnit,
      visible: drawable(benefitData.map((x) => x.y)),
      data: benefitData,
      facts: [
        {
          title: td.planned,
          value: benefitAmount(p.benefit.plannedSek, p.benefit.plannedHours, locale),
        },
        {
          title: td.realised,
          value: benefitAmount(p.benefit.realisedSek, p.benefit.realisedHours, locale),
        },
      ],
    },
    partsTitle: td.partsTitle,
    partLines: p.parts.map((x) => ({
      text: fmt(td.partLine, {
        part: partNames[x.part],
        frame: sek(x.frame, locale),
        granted: sek(x.granted, locale),
        remaining: sek(x.remaining, locale),
        pending: sek(x.pending, locale),
      }),
    })),
    indicatorsTitle: t.indicators.title,
    indicatorFacts: indicatorFacts(p, locale),
    overdueTitle: `${td.overdueTitle} (${p.overdue.length})`,
    overdueLines: overdueLines(p.overdue, locale),
    actions: [
      {
        title: td.listApplications,
        verb: VERBS.dashboardApplications,
        data: { portfolioId: p.portfolioId, year, page: 0 },
      },
      { title: td.back, verb: VERBS.dashboardShow, data: { year } },
    ],
  });
}

/** One page of a portfolio's applications in a year, with paging and the way back. */
export function dashboardApplicationsCard(
  locale: Locale,
  page: ApplicationPage,
  portfolio: { number: number; name: { sv: string; en: string } },
): AdaptiveCard {
  const td = insightText(locale).dashboard;
  const statusNames = strings(locale).status;
  const actions: { title: string; verb: string; data: Record<string, unknown> }[] = [];
  if (page.page > 0)
    actions.push({
      title: td.previous,
      verb: VERBS.dashboardApplications,
      data: { portfolioId: page.portfolioId, year: page.year, page: page.page - 1 },
    });
  if (page.page < page.pages - 1)
    actions.push({
      title: td.next,
      verb: VERBS.dashboardApplications,
      data: { portfolioId: page.portfolioId, year: page.year, page: page.page + 1 },
    });
  actions.push({
    title: td.backPortfolio,
    verb: VERBS.dashboardPortfolio,
    data: { portfolioId: page.portfolioId, year: page.year },
  });
  actions.push({ title: td.back, verb: VERBS.dashboardShow, data: { year: page.year } });
  return renderTemplate('dashboard-applications', {
    title: escapeMarkdown(
      fmt(td.listTitle, {
        year: page.year,
        number: portfolio.number,
        name: portfolio.name[locale],
      }),
    ),
    subtitle: fmt(td.listSubtitle, {
      page: page.page + 1,
      pages: formatCount(page.pages, locale),
      total: formatCount(page.total, locale),
    }),
    empty: page.total === 0 ? fmt(td.listEmpty, { year: page.year }) : '',
    rows: page.rows.map((r) => ({
      line: fmt(td.listRow, {
        regNo: escapeMarkdown(r.regNo),
        title: escapeMarkdown(clip(r.title, 120)),
      }),
      detail:
        fmt(td.listDetail, {
          organisation: escapeMarkdown(clip(r.organisation, 80)),
          status: statusNames[r.status],
          requested: sek(r.requested, locale),
        }) +
        (r.granted !== undefined ? fmt(td.listGranted, { granted: sek(r.granted, locale) }) : ''),
    })),
    actions,
  });
}

/** The admin's card of signed, short-lived links to the register and follow-up exports. */
export function dashboardExportsCard(
  locale: Locale,
  links: { kind: InsightExport; url: string }[],
  expiresAt: Date,
  year: number,
): AdaptiveCard {
  const t = insightText(locale).exports;
  const until = DateTime.fromJSDate(expiresAt, { zone: STOCKHOLM_ZONE }).toFormat('HH:mm');
  return renderTemplate('dashboard-links', {
    title: t.title,
    lines: [{ text: fmt(t.intro, { until }) }, { text: t.why }],
    links: links.map((l) => ({ title: t.kinds[l.kind], url: l.url })),
    actions: [
      { title: insightText(locale).dashboard.back, verb: VERBS.dashboardShow, data: { year } },
    ],
  });
}
