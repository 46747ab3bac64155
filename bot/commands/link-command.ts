import { messageCard } from '../../cards/application-cards';
import { escapeMarkdown } from '../../cards/render';
import { reviewRefusalCard } from '../../cards/review-cards';
import { fmt } from '../../cards/strings';
import { ReviewStrings, reviewText } from '../../cards/strings/review-strings';
import {
  bindReviewChannel,
  parsePortfolioArgs,
  reviewChannelOverview,
} from '../../services/channels/bind-review-channel';
import { PortfolioDoc } from '../../services/portfolios/portfolio-repository';
import { Services } from '../../services/services';
import { Locale } from '../../services/shared/actor';
import { DomainError } from '../../services/shared/domain-error';
import { CommandHandler } from '../handler-types';
import { teamsDirectory } from '../roster';
import { sendCard } from '../send';
import { channelIdOf, teamIdOf, tenantOf } from '../turn';
import { commandWord } from '../../cards/command-word';

const name = (p: PortfolioDoc, locale: Locale): string =>
  `${p.number}. ${escapeMarkdown(p.name[locale])}`;

async function overviewLines(
  s: Services,
  r: ReviewStrings,
  locale: Locale,
  channelId?: string,
): Promise<{ text: string }[]> {
  return (await reviewChannelOverview(s, channelId)).map((o) => ({
    text: fmt(r.link.overviewLine, {
      number: o.portfolio.number,
      name: escapeMarkdown(o.portfolio.name[locale]),
      key: escapeMarkdown(commandWord(o.portfolio)),
      where: o.here ? r.link.here : o.bound ? r.link.elsewhere : r.link.none,
    }),
  }));
}

/**
 * `koppla <portfölj>` / `link <portfolio>` (admins, in a channel): makes this channel the review
 * channel of one portfolio, several, or all (`koppla alla`). Without a portfolio it shows the
 * current bindings.
 */
export const linkCommand: CommandHandler = async (
  context,
  { deps, actor, scope, args, activityId },
) => {
  const s = deps.services;
  const r = reviewText(actor.locale);
  const a = context.activity;
  const channelId = scope === 'channel' ? channelIdOf(a) : undefined;
  if (!channelId) {
    await sendCard(
      context,
      messageCard({ title: r.link.title, lines: [{ text: r.link.channelOnly, color: 'Warning' }] }),
    );
    return;
  }
  const portfolios = await s.portfolios.all();
  const parsed = parsePortfolioArgs(args, portfolios);
  if (parsed.kind !== 'ok') {
    const lines: { text: string; color?: string }[] = [];
    if (parsed.kind === 'unknown')
      lines.push({
        text: fmt(r.link.unknown, { words: escapeMarkdown(parsed.words.join(', ')) }),
        color: 'Attention',
      });
    lines.push(
      { text: r.link.usage },
      { text: `**${r.link.overviewTitle}**` },
      ...(await overviewLines(s, r, actor.locale, channelId)),
    );
    await sendCard(context, messageCard({ title: r.link.title, lines }));
    return;
  }
  const team = (a.channelData as { team?: { aadGroupId?: unknown } } | undefined)?.team;
  try {
    const result = await bindReviewChannel(
      s,
      teamsDirectory(context, s),
      actor,
      {
        channelId,
        teamId: teamIdOf(a),
        tenantId: tenantOf(a),
        aadGroupId: typeof team?.aadGroupId === 'string' ? team.aadGroupId : undefined,
      },
      parsed.ids,
      activityId,
    );
    const lines: { text: string; color?: string }[] = [{ text: r.link.bound }];
    for (const p of result.portfolios) lines.push({ text: `• ${name(p, actor.locale)}` });
    if (result.moved.length > 0) {
      const moved = result.portfolios
        .filter((p) => result.moved.some((m) => m.portfolioId === p._id))
        .map((p) => String(p.number));
      lines.push({ text: fmt(r.link.moved, { portfolios: moved.join(', ') }), color: 'Warning' });
    }
    if (result.posted > 0) lines.push({ text: fmt(r.link.posted, { count: result.posted }) });
    if (result.stayingElsewhere > 0)
      lines.push({ text: fmt(r.link.staying, { count: result.stayingElsewhere }) });
    lines.push({
      text:
        result.memberCount === null
          ? r.link.membersUnknown
          : fmt(r.link.members, { count: result.memberCount }),
    });
    await sendCard(context, messageCard({ title: r.link.title, lines }));
  } catch (err) {
    if (err instanceof DomainError && typeof err.params.reason === 'string') {
      await sendCard(context, reviewRefusalCard(actor.locale, err.params.reason, err.params));
      return;
    }
    throw err;
  }
};
