import { PortfolioDoc } from '../portfolios/portfolio-repository';
import { MemberDirectory } from '../review/eligibility';
import { postWaitingItems } from '../review/open-review';
import { Services } from '../services';
import { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { normalizeCommand } from '../shared/text';
import { ReviewChannelDoc } from './channel-repository';

/** Where the `koppla` command was written. */
export interface ChannelLocation {
  channelId: string;
  teamId?: string;
  tenantId?: string;
  aadGroupId?: string;
}

/** Portfolios named in a command, nothing named, or words that name none. */
export type PortfolioArgs =
  { kind: 'ok'; ids: string[] } | { kind: 'empty' } | { kind: 'unknown'; words: string[] };

const ALL = new Set(['alla', 'all', 'samtliga']);
const FILLER = new Set([
  'och',
  'and',
  'portfolj',
  'portfoljen',
  'portfolio',
  'portfolios',
  'portfoljer',
]);

/**
 * Reads `koppla 1`, `koppla innovation`, `koppla alla`, `koppla 1, 3 och 5`: portfolio numbers,
 * keys or ids (case and accents ignored).
 */
export function parsePortfolioArgs(args: string, portfolios: PortfolioDoc[]): PortfolioArgs {
  const words = normalizeCommand(args)
    .split(/[\s,;]+/)
    .map((w) => w.replace(/[.:]+$/, ''))
    .filter((w) => w.length > 0 && !FILLER.has(w));
  if (words.length === 0) return { kind: 'empty' };
  if (words.some((w) => ALL.has(w))) return { kind: 'ok', ids: portfolios.map((p) => p._id) };
  const ids: string[] = [];
  const unknown: string[] = [];
  for (const w of words) {
    const p = portfolios.find(
      (x) => String(x.number) === w || normalizeCommand(x.key) === w || x._id.toLowerCase() === w,
    );
    if (p) {
      if (!ids.includes(p._id)) ids.push(p._id);
    } else unknown.push(w);
  }
  if (unknown.length > 0) return { kind: 'unknown', words: unknown };
  return { kind: 'ok', ids: portfolios.filter((p) => ids.includes(p._id)).map((p) => p._id) };
}

/** What `koppla` did, for the reply. */
export interface BindResult {
  portfolios: PortfolioDoc[];
  /** Portfolios that were bound to another channel before (the rebinding is audited). */
  moved: { portfolioId: string; fromChannelId: string }[];
  /** Items waiting for a channel that were posted now. */
  posted: number;
  /** Open items that stay in the channel they were posted in. */
  stayingElsewhere: number;
  memberCount: number | null;
}

/**
 * Makes a channel the review channel of one or several portfolios (one channel may serve all,
 * seed 004). Admins only; survives restarts (stored on the portfolio); every change is audited.
 */
export async function bindReviewChannel(
  s: Services,
  dir: MemberDirectory,
  actor: Actor,
  where: ChannelLocation,
  portfolioIds: string[],
  activityId?: string,
): Promise<BindResult> {
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin'))) {
    throw new DomainError('forbidden', 'admins only', { reason: 'admin_only' });
  }
  const now = s.clock();
  const moved: BindResult['moved'] = [];
  const bound: PortfolioDoc[] = [];
  for (const id of portfolioIds) {
    const before = await s.portfolios.get(id);
    if (!before) continue;
    if (before.reviewChannelId === where.channelId) {
      bound.push(before);
      continue;
    }
    const after = await s.portfolios.update(id, { reviewChannelId: where.channelId });
    if (!after) continue;
    bound.push(after);
    if (before.reviewChannelId)
      moved.push({ portfolioId: id, fromChannelId: before.reviewChannelId });
    await s.audit.append({
      at: now.toISOString(),
      actorId: actor.aadObjectId,
      actorName: actor.name,
      action: before.reviewChannelId ? 'channel.review_rebound' : 'channel.review_bound',
      entityType: 'portfolio',
      entityId: id,
      before: { reviewChannelId: before.reviewChannelId ?? null },
      after: { reviewChannelId: where.channelId, teamId: where.teamId },
      activityId,
    });
  }
  const existing = await s.channels.get(where.channelId);
  const doc: ReviewChannelDoc = {
    _id: where.channelId,
    teamId: where.teamId ?? existing?.teamId,
    tenantId: where.tenantId ?? existing?.tenantId,
    aadGroupId: where.aadGroupId ?? existing?.aadGroupId,
    portfolioIds: [...new Set([...(existing?.portfolioIds ?? []), ...bound.map((p) => p._id)])],
    boundBy: actor.aadObjectId,
    boundAt: now.toISOString(),
  };
  await s.channels.save(doc);
  await s.channels.detach(
    bound.map((p) => p._id),
    where.channelId,
  );
  const posted = await postWaitingItems(
    s,
    dir,
    bound.map((p) => p._id),
  );
  const stayingElsewhere = (
    await s.review.findItems({
      status: 'open',
      portfolioId: { $in: bound.map((p) => p._id) },
      channelId: { $ne: where.channelId },
    })
  ).filter((i) => i.channelId).length;
  const members = await dir.membersOf(where.channelId, where.teamId);
  return {
    portfolios: bound,
    moved,
    posted,
    stayingElsewhere,
    memberCount: members ? members.length : null,
  };
}

/** The review channel bound to each portfolio, for `koppla` without arguments. */
export async function reviewChannelOverview(
  s: Pick<Services, 'portfolios'>,
  channelId?: string,
): Promise<{ portfolio: PortfolioDoc; here: boolean; bound: boolean }[]> {
  return (await s.portfolios.all()).map((p) => ({
    portfolio: p,
    here: !!channelId && p.reviewChannelId === channelId,
    bound: !!p.reviewChannelId,
  }));
}
