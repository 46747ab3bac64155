import { PARTS, type Part } from '../services/applications/wizard-steps';
import { isOffered, openPartsOf, type PortfolioDoc } from '../services/portfolios/portfolio-repository';
import { Locale } from '../services/shared/actor';
import { strings } from './strings';

/** The name of a part in this portfolio: its own name when the office gave one, else the standard. */
export function partName(p: PortfolioDoc, part: Part, locale: Locale): string {
  return p.parts?.[part]?.name?.[locale] || strings(locale).parts[part];
}

/**
 * The wizard's part dropdown: the open parts of the chosen portfolio under its own names, or
 * before a portfolio is chosen the parts open in any offered portfolio; the draft's own answer
 * stays listed.
 */
export function partChoices(
  offered: PortfolioDoc[],
  chosen: { portfolioId?: string; part?: string },
  locale: Locale,
): { title: string; value: string }[] {
  const standard = strings(locale).parts;
  const portfolio = offered.find((p) => p._id === chosen.portfolioId);
  const open = new Set<Part>(portfolio ? openPartsOf(portfolio) : offered.filter(isOffered).flatMap(openPartsOf));
  return PARTS.filter((k) => open.has(k) || k === chosen.part).map((k) => ({
    title: portfolio ? partName(portfolio, k, locale) : standard[k],
    value: k,
  }));
}

