import { Services } from '../services';
import { PortfolioDoc } from '../portfolios/portfolio-repository';
import { OFFICE_CHANNEL, OfficeChannelSetting } from '../settings/settings-repository';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { normalizeCommand } from '../shared/text';
import { COACH_CHANNEL, CoachChannelSetting } from './coach-question';

/** What `coachkanal` bound: the general coach channel, or the channel of some portfolios. */
export type CoachChannelBinding =
  { kind: 'general' } | { kind: 'portfolios'; portfolios: PortfolioDoc[] };

const ALL_WORDS = new Set(['alla', 'all', 'allt', 'samtliga']);

/** Reads `coachkanal` arguments: nothing (general), `alla`, or portfolio numbers or keys. */
export function parseCoachChannelArgs(
  args: string,
  portfolios: PortfolioDoc[],
): { ok: true; binding: CoachChannelBinding } | { ok: false; unknown: string[] } {
  const words = normalizeCommand(args)
    .split(/[\s,;]+/)
    .map((w) => w.replace(/[.:)]+$/, ''))
    .filter((w) => w.length > 0 && w !== 'och' && w !== 'and');
  if (words.length === 0) return { ok: true, binding: { kind: 'general' } };
  if (words.some((w) => ALL_WORDS.has(w)))
    return { ok: true, binding: { kind: 'portfolios', portfolios } };
  const chosen: PortfolioDoc[] = [];
  const unknown: string[] = [];
  for (const w of words) {
    const p = portfolios.find((x) => String(x.number) === w || x.key === w || x._id === w);
    if (p) {
      if (!chosen.includes(p)) chosen.push(p);
    } else unknown.push(w);
  }
  if (unknown.length > 0) return { ok: false, unknown };
  return {
    ok: true,
    binding: { kind: 'portfolios', portfolios: chosen.sort((a, b) => a.number - b.number) },
  };
}

/**
 * `coachkanal` (admin): makes a channel the general coach channel, or the coach channel of the
 * given portfolios. Audited; refuses non-admins and unknown portfolios.
 */
export async function bindCoachChannel(
  s: Services,
  actor: Actor,
  where: { channelId: string; teamId?: string },
  args: string,
  activityId?: string,
): Promise<CoachChannelBinding> {
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin'))) {
    throw new DomainError('forbidden', 'not an admin', { reason: 'not_admin' });
  }
  const portfolios = await s.portfolios.all();
  const parsed = parseCoachChannelArgs(args, portfolios);
  if (!parsed.ok) {
    throw new DomainError('invalid_input', 'unknown portfolios', {
      reason: 'unknown_portfolios',
      list: parsed.unknown.join(', '),
    });
  }
  const now = s.clock();
  const base = {
    at: now.toISOString(),
    actorId: actor.aadObjectId,
    actorName: actor.name,
    activityId,
  };
  if (parsed.binding.kind === 'general') {
    const before = await s.settings.get<CoachChannelSetting>(COACH_CHANNEL);
    const after: CoachChannelSetting = { channelId: where.channelId, teamId: where.teamId };
    await s.settings.set(COACH_CHANNEL, after, now, actor.aadObjectId);
    await s.audit.append({
      ...base,
      action: 'coach.channel_bound',
      entityType: 'setting',
      entityId: COACH_CHANNEL,
      before,
      after,
    });
    return parsed.binding;
  }
  for (const p of parsed.binding.portfolios) {
    if (p.coachChannelId === where.channelId) continue;
    await s.portfolios.update(p._id, { coachChannelId: where.channelId });
    await s.audit.append({
      ...base,
      action: 'coach.channel_bound',
      entityType: 'portfolio',
      entityId: p._id,
      before: { coachChannelId: p.coachChannelId },
      after: { coachChannelId: where.channelId },
    });
  }
  return parsed.binding;
}

/**
 * Where a question goes: its portfolio's coach channel, else the general coach channel, else
 * the project office's channel (the office is the coaches' home); null when none is set.
 */
export async function coachChannelFor(
  s: Pick<Services, 'portfolios' | 'settings'>,
  portfolioId?: string,
): Promise<CoachChannelSetting | null> {
  if (portfolioId) {
    const p = await s.portfolios.get(portfolioId);
    if (p?.coachChannelId) {
      const general = await s.settings.get<CoachChannelSetting>(COACH_CHANNEL);
      const teamId = general?.channelId === p.coachChannelId ? general.teamId : undefined;
      return { channelId: p.coachChannelId, teamId };
    }
  }
  const general = await s.settings.get<CoachChannelSetting>(COACH_CHANNEL);
  if (general?.channelId) return general;
  const office = await s.settings.get<OfficeChannelSetting>(OFFICE_CHANNEL);
  return office?.channelId ? { channelId: office.channelId, teamId: office.teamId } : null;
}
