import type { Services } from '../services';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import type { Role, UserDoc } from '../users/user-repository';

/** True when the person has the role everywhere or for this portfolio (UserDoc.portfolioRoles). */
export function hasRoleFor(user: UserDoc | null, role: Role, portfolioId: string): boolean {
  if (!user) return false;
  if (user.roles?.includes(role)) return true;
  return !!user.portfolioRoles?.some((r) => r.role === role && r.portfolioId === portfolioId);
}

/** What the acting person may do in a portfolio's allocation, decided on the AAD object id. */
export interface AllocationRights {
  admin: boolean;
  chair: boolean;
  decisionMaker: boolean;
}

export async function rightsOf(
  s: Pick<Services, 'users'>,
  actor: Actor,
  portfolioId: string,
): Promise<AllocationRights> {
  const [user, admin] = await Promise.all([
    s.users.get(actor.aadObjectId),
    s.users.hasRole(actor.aadObjectId, 'admin'),
  ]);
  return {
    admin,
    chair: hasRoleFor(user, 'chair', portfolioId),
    decisionMaker: hasRoleFor(user, 'decisionMaker', portfolioId),
  };
}

/** A refusal whose `reason` picks the message in the allocation strings. */
export function refuse(
  code: DomainError['code'],
  reason: string,
  params: Record<string, string | number> = {},
): never {
  throw new DomainError(code, reason, { ...params, reason });
}
