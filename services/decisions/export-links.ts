import { loadRound } from '../allocation/allocate';
import { refuse, rightsOf } from '../allocation/access';
import type { Services } from '../services';
import type { Actor } from '../shared/actor';
import { signedUrl } from './signed-links';

/** Where a round's protocol is served (the route in bot/routes/exports.ts). */
export const protocolPath = (roundId: string, format: 'md' | 'csv'): string =>
  `/exports/rounds/${encodeURIComponent(roundId)}/protocol.${format}`;

export const PUBLIC_REGISTER_CSV = '/public/register.csv';
export const PUBLIC_REGISTER_JSON = '/public/register.json';

/**
 * Short-lived signed links to a round's protocol (Markdown and CSV) for the project office, the
 * chair and decision makers, plus the public register. The protocol exists once the round is decided.
 */
export async function exportLinks(
  s: Services,
  actor: Actor,
  roundId: unknown,
  secret: string,
  baseUrl: string,
): Promise<{
  roundId: string;
  protocolMd?: string;
  protocolCsv?: string;
  registerCsv: string;
  registerJson: string;
}> {
  const round = await loadRound(s, roundId);
  const rights = await rightsOf(s, actor, round.portfolioId);
  if (!rights.admin && !rights.chair && !rights.decisionMaker)
    refuse('forbidden', 'exports_forbidden');
  const now = s.clock();
  const base = baseUrl.replace(/\/+$/, '');
  const register = {
    registerCsv: `${base}${PUBLIC_REGISTER_CSV}`,
    registerJson: `${base}${PUBLIC_REGISTER_JSON}`,
  };
  if (round.status !== 'confirmed') return { roundId: round._id, ...register };
  return {
    roundId: round._id,
    protocolMd: signedUrl(base, protocolPath(round._id, 'md'), secret, now),
    protocolCsv: signedUrl(base, protocolPath(round._id, 'csv'), secret, now),
    ...register,
  };
}
