import { PARTS, type Part } from '../services/applications/wizard-steps';
import {
  PORTFOLIO_LIMITS,
  type PortfolioFieldError,
} from '../services/portfolios/manage-portfolios';
import {
  isOffered,
  partsOf,
  type PortfolioDoc,
} from '../services/portfolios/portfolio-repository';
import { Locale } from '../services/shared/actor';
import { formatSek } from '../services/shared/amount';
import { messageCard } from './application-cards';
import { frameKey } from './frame-cards';
import { partName } from './part-choices';
import type { OutboxCardRenderer } from './outbox-card-renderer';
import { pageWindow } from '../services/shared/paging';
import { AdaptiveCard, clip, escapeMarkdown, renderTemplate } from './render';
import { fmt } from './strings';
import { allocationText } from './strings/allocation-strings';
import { pagingText } from './strings/paging-strings';
import { portfolioText } from './strings/portfolio-strings';
import { VERBS } from './verbs';

/** A notice at the top of a card: green for done, orange for a warning, red for a refusal. */
export interface CardNotice {
  text: string;
  color?: 'Good' | 'Warning' | 'Attention' | 'Default';
}

/** Portfolios per page of the admin card: at the form's longest texts 10 stay far under 80 KB. */
export const PORTFOLIOS_PER_PAGE = 10;

/**
 * The `hantera portföljer` card: every portfolio with its state, parts and frames, and buttons to
 * change, open or close it, to set its frame and to create a new one (project office). Ten a
 * page, with Föregående / Nästa (`portfolio.list` with the page).
 */
export function portfolioAdminCard(
  portfolios: PortfolioDoc[],
  locale: Locale,
  year: number,
  notice?: CardNotice,
  page = 1,
): AdaptiveCard {
  const t = portfolioText(locale).admin;
  const pg = pagingText(locale);
  const warnings: { text: string }[] = [];
  if (portfolios.length === 0) warnings.push({ text: t.empty });
  else if (!portfolios.some(isOffered)) warnings.push({ text: t.noneOpen });
  const w = pageWindow(portfolios.length, page, PORTFOLIOS_PER_PAGE);
  const pager: { title: string; page: string }[] = [];
  if (w.hasPrevious) pager.push({ title: pg.previous, page: String(w.page - 1) });
  if (w.hasNext) pager.push({ title: pg.next, page: String(w.page + 1) });
  return renderTemplate('portfolio-admin', {
    title: t.title,
    intro: t.intro,
    showing: w.pages > 1 ? fmt(pg.showing, { from: w.from, to: w.to, total: w.total }) : '',
    notice: notice?.text ?? '',
    noticeColor: notice?.color ?? 'Good',
    warnings,
    pager,
    portfolios: portfolios.slice(w.skip, w.skip + w.limit).map((p) => {
      const lines: { text: string }[] = [];
      lines.push({ text: fmt(t.key, { key: p.key }) });
      // The whole description is on the edit form; the overview shows its start.
      if (p.description) lines.push({ text: escapeMarkdown(clip(p.description, 300)) });
      const parts = partsOf(p).map((k) =>
        fmt(p.parts?.[k]?.closed ? t.partClosed : t.partOpen, {
          name: escapeMarkdown(partName(p, k, locale)),
        }),
      );
      lines.push({ text: fmt(t.parts, { list: parts.join(' · ') }) });
      if (!isOffered(p) && !p.closed) lines.push({ text: t.noParts });
      if (p.relaxedBenefit) lines.push({ text: t.relaxed });
      lines.push({
        text:
          p.frames.length > 0
            ? fmt(t.frames, {
                list: p.frames.map((f) => `${f.year} ${formatSek(f.amount, locale)}`).join(' · '),
              })
            : fmt(t.noFrames, { year }),
      });
      return {
        portfolioId: p._id,
        name: fmt(t.name, { number: p.number, name: escapeMarkdown(p.name[locale]) }),
        state: p.closed ? t.closed : t.open,
        stateColor: p.closed ? 'Attention' : 'Good',
        lines,
        editLabel: t.edit,
        toggleLabel: p.closed ? t.reopen : t.close,
        toggleVerb: p.closed ? VERBS.portfolioOpen : VERBS.portfolioClose,
        frameLabel: fmt(t.frame, { year }),
        frameKey: frameKey(p._id, year),
      };
    }),
    createLabel: t.create,
    framesLabel: t.allFrames,
  });
}

/** What the admin typed on the portfolio form, shown again with the errors. */
export interface PortfolioDraft {
  number: string;
  key: string;
  nameSv: string;
  nameEn: string;
  description: string;
  relaxed: boolean;
  open: boolean;
  partStates: Record<Part, string>;
  partNamesSv: Record<Part, string>;
  partNamesEn: Record<Part, string>;
}

/** The form's values for an existing portfolio (or an empty one for a new portfolio). */
export function draftOf(p: PortfolioDoc | null, nextNumber: number): PortfolioDraft {
  const have = p ? new Set(partsOf(p)) : new Set<Part>(PARTS);
  const partStates = {} as Record<Part, string>;
  const partNamesSv = {} as Record<Part, string>;
  const partNamesEn = {} as Record<Part, string>;
  for (const k of PARTS) {
    partStates[k] = !have.has(k) ? 'none' : p?.parts?.[k]?.closed ? 'closed' : 'open';
    partNamesSv[k] = p?.parts?.[k]?.name?.sv ?? '';
    partNamesEn[k] = p?.parts?.[k]?.name?.en ?? '';
  }
  return {
    number: String(p?.number ?? nextNumber),
    key: p?.key ?? '',
    nameSv: p?.name.sv ?? '',
    nameEn: p?.name.en ?? '',
    description: p?.description ?? '',
    relaxed: p?.relaxedBenefit ?? false,
    open: p ? !p.closed : true,
    partStates,
    partNamesSv,
    partNamesEn,
  };
}

/** The create form (portfolio = null) or the edit form of one portfolio, with errors by field. */
export function portfolioFormCard(
  portfolio: PortfolioDoc | null,
  draft: PortfolioDraft,
  locale: Locale,
  opts: { errors?: PortfolioFieldError[]; notice?: CardNotice } = {},
): AdaptiveCard {
  const t = portfolioText(locale).form;
  const partsText = allocationText(locale).parts;
  const errors = opts.errors ?? [];
  const errorOf = (field: string): string => {
    const e = errors.find((x) => x.field === field);
    if (!e) return '';
    if (e.code === 'required') return t.errors.required[field] ?? '';
    return fmt(t.errors[e.code], e.params ?? {});
  };
  const notice = opts.notice ?? (errors.length > 0 ? { text: t.fixBelow, color: 'Attention' as const } : undefined);
  const fields = [
    ...(portfolio
      ? []
      : [
          {
            id: 'pf_number',
            label: fmt(t.number, { max: PORTFOLIO_LIMITS.numberMax }),
            value: draft.number,
            max: 3,
            multiline: false,
            error: errorOf('number'),
          },
        ]),
    { id: 'pf_name_sv', label: t.nameSv, value: draft.nameSv, max: PORTFOLIO_LIMITS.name, multiline: false, error: errorOf('nameSv') },
    { id: 'pf_name_en', label: t.nameEn, value: draft.nameEn, max: PORTFOLIO_LIMITS.name, multiline: false, error: errorOf('nameEn') },
    { id: 'pf_key', label: t.key, value: draft.key, max: 30, multiline: false, error: errorOf('key') },
    {
      id: 'pf_description',
      label: t.description,
      value: draft.description,
      max: PORTFOLIO_LIMITS.description,
      multiline: true,
      error: errorOf('description'),
    },
  ];
  const existing = portfolio ? new Set(partsOf(portfolio)) : new Set<Part>();
  return renderTemplate('portfolio-form', {
    title: portfolio
      ? fmt(t.editTitle, { number: portfolio.number })
      : t.createTitle,
    notice: notice?.text ?? '',
    noticeColor: notice?.color ?? 'Good',
    fields,
    relaxedLabel: t.relaxed,
    relaxed: draft.relaxed ? 'true' : 'false',
    showOpen: portfolio !== null,
    openLabel: t.open,
    open: draft.open ? 'true' : 'false',
    partsTitle: t.partsTitle,
    partsIntro: t.partsIntro,
    partsError: errorOf('parts'),
    parts: PARTS.map((k) => ({
      stateId: `pf_part_${k}`,
      label: fmt(t.partState, { part: partsText[k] }),
      state: draft.partStates[k],
      choices: [
        { title: t.stateOpen, value: 'open' },
        { title: t.stateClosed, value: 'closed' },
        // A part that exists can be closed, never removed (applications may use it).
        ...(existing.has(k) ? [] : [{ title: t.stateNone, value: 'none' }]),
      ],
      svId: `pf_part_${k}_sv`,
      svLabel: fmt(t.partNameSv, { part: partsText[k] }),
      sv: draft.partNamesSv[k],
      enId: `pf_part_${k}_en`,
      enLabel: t.partNameEn,
      en: draft.partNamesEn[k],
      error: errorOf(`part_${k}`),
    })),
    saveLabel: portfolio ? t.save : t.createAction,
    saveVerb: portfolio ? VERBS.portfolioSave : VERBS.portfolioCreate,
    portfolioId: portfolio?._id ?? '',
    version: String(portfolio?.version ?? 0),
    backLabel: t.back,
  });
}

/** A short refusal for someone who may not manage portfolios. */
export function portfolioRefusalCard(locale: Locale): AdaptiveCard {
  const t = portfolioText(locale).admin;
  return messageCard({ title: t.title, lines: [{ text: t.adminOnly, color: 'Attention' }] });
}

/** What `ny ansökan` says when no portfolio is open: no draft, and the office has been told. */
export function noOpenPortfolioCard(locale: Locale): AdaptiveCard {
  const t = portfolioText(locale).wizard;
  return messageCard({ title: t.title, lines: [{ text: t.noOpenPortfolio, color: 'Warning' }] });
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Outbox cards of this area. */
export const portfolioOutboxCards: Record<string, OutboxCardRenderer> = {
  'office-no-open-portfolio': (model, locale) => {
    const t = portfolioText(locale).office;
    return messageCard({
      title: t.noOpenTitle,
      lines: [
        {
          text: fmt(t.noOpenText, {
            applicant: escapeMarkdown(str(model.applicant)),
            day: str(model.day),
          }),
        },
      ],
    });
  },
};
