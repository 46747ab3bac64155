import { channelBoundCard, coachNoticeCard } from '../../cards/coach-cards';
import { fmt } from '../../cards/strings';
import { coachStrings } from '../../cards/strings/coach-strings';
import { bindCoachChannel } from '../../services/coaching/coach-channel';
import { DomainError } from '../../services/shared/domain-error';
import { refreshCoachRoster } from '../coach-relay';
import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';
import { channelIdOf, teamIdOf } from '../turn';

/**
 * `coachkanal` / `coach channel` (admin, @mention in a channel): this channel gets coaching
 * questions: in general, or for the given portfolios (`coachkanal 1 3`, `coachkanal alla`).
 */
export const coachChannelCommand: CommandHandler = async (
  context,
  { deps, actor, scope, args, activityId },
) => {
  const c = coachStrings[actor.locale];
  const channelId = channelIdOf(context.activity);
  if (scope !== 'channel' || !channelId) {
    await sendCard(context, coachNoticeCard(actor.locale, c.channel.channelOnly, 'Attention'));
    return;
  }
  const s = deps.services;
  try {
    const binding = await bindCoachChannel(
      s,
      actor,
      { channelId, teamId: teamIdOf(context.activity) },
      args,
      activityId,
    );
    await refreshCoachRoster(context, s, channelId);
    await sendCard(context, channelBoundCard(actor.locale, binding));
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const text =
      err.params.reason === 'not_admin'
        ? c.channel.notAdmin
        : err.params.reason === 'unknown_portfolios'
          ? fmt(c.channel.unknownPortfolios, { list: String(err.params.list) })
          : undefined;
    if (!text) throw err;
    await sendCard(context, coachNoticeCard(actor.locale, text, 'Attention'));
  }
};
