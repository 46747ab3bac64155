import { Services } from '../services';
import { isOffered, openPartsOf, partsOf } from '../portfolios/portfolio-repository';
import { ValidationContext } from './validate-step';

/**
 * The facts validation needs from the store: which portfolios and parts may be chosen and which
 * portfolios are relaxed. With `keep` (the draft's stored answers, when the applicant saves a
 * step) only open portfolios and open parts may be newly chosen, while what the draft already
 * chose stays valid; without it (the summary, submit) every portfolio and each of its parts
 * count, so closing a portfolio never strands an application that is under way.
 */
export async function validationContext(
  s: Pick<Services, 'portfolios'>,
  keep?: { portfolioId?: string; part?: string },
): Promise<ValidationContext> {
  const portfolios = await s.portfolios.all();
  const partsByPortfolio: Record<string, string[]> = {};
  for (const p of portfolios) {
    const parts: string[] = keep ? openPartsOf(p) : partsOf(p);
    if (keep?.part && keep.portfolioId === p._id && !parts.includes(keep.part)) parts.push(keep.part);
    partsByPortfolio[p._id] = parts;
  }
  return {
    portfolioIds: portfolios.filter((p) => !keep || isOffered(p) || p._id === keep.portfolioId).map((p) => p._id),
    relaxedPortfolioIds: portfolios.filter((p) => p.relaxedBenefit).map((p) => p._id),
    partsByPortfolio,
  };
}
