import type { Services } from '../services';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import type { Role } from '../users/user-repository';

/** Roles that may see the portfolio dashboards (besides admins): the people who prepare and decide. */
export const DASHBOARD_ROLES: readonly Role[] = ['decisionMaker', 'chair', 'reviewer'];

/** Which portfolios a person may see on the dashboard, decided on the AAD object id. */
export interface DashboardScope {
  /** Project-office admin: every portfolio, plus the register exports. */
  admin: boolean;
  /** Every portfolio (admin, or a global decision-maker, chair or reviewer role). */
  all: boolean;
  /** With `all` false: the portfolios the person has a portfolio-scoped role in. */
  portfolioIds: string[];
}

/**
 * The dashboard is for admins, decision makers, chairs and reviewers: everywhere when the role
 * is global, only their portfolios when it is scoped to portfolios. Everyone else is refused.
 */
export async function dashboardScope(
  s: Pick<Services, 'users'>,
  actor: Actor,
): Promise<DashboardScope> {
  const admin = await s.users.hasRole(actor.aadObjectId, 'admin');
  if (admin) return { admin: true, all: true, portfolioIds: [] };
  const user = await s.users.get(actor.aadObjectId);
  if (user?.roles?.some((r) => DASHBOARD_ROLES.includes(r)))
    return { admin: false, all: true, portfolioIds: [] };
  const scoped = [
    ...new Set(
      (user?.portfolioRoles ?? [])
        .filter((r) => DASHBOARD_ROLES.includes(r.role))
        .map((r) => r.portfolioId),
    ),
  ];
  if (scoped.length === 0)
    throw new DomainError(
      'forbidden',
      'dashboard is for admins, decision makers, chairs and reviewers',
      { reason: 'dashboard' },
    );
  return { admin: false, all: false, portfolioIds: scoped };
}

/** True when the scope covers the portfolio. */
export function canSee(scope: DashboardScope, portfolioId: string): boolean {
  return scope.all || scope.portfolioIds.includes(portfolioId);
}

/** Refuses anyone but a project-office admin (exports of the register, personal-data requests). */
export async function requireAdmin(
  s: Pick<Services, 'users'>,
  actor: Actor,
  reason: string,
): Promise<void> {
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin')))
    throw new DomainError('forbidden', `${reason} is for admins only`, { reason });
}
