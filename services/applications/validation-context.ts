import { Services } from '../services';
import { ValidationContext } from './validate-step';

/** The facts validation needs from the store: which portfolios exist and which are relaxed. */
export async function validationContext(s: Pick<Services, 'portfolios'>): Promise<ValidationContext> {
  const portfolios = await s.portfolios.all();
  return {
    portfolioIds: portfolios.map((p) => p._id),
    relaxedPortfolioIds: portfolios.filter((p) => p.relaxedBenefit).map((p) => p._id),
  };
}
