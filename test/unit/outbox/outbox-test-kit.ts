/**
 * Helpers shared by the outbox's unit, integration and benchmark code (no jest imports, so the
 * benchmark can use it compiled): conversation references pointing at a fake connector, and an
 * independent check of Teams' sliding windows over what the connector accepted.
 */
import type { Activity } from 'botbuilder';
import { channelKey, personalKey } from '../../../services/conversations/conversation-repository';
import { RateWindow, TEAMS_PER_CONVERSATION } from '../../../services/outbox/rate-limits';
import type { Services } from '../../../services/services';

export const KIT_TENANT = '00000000-0000-0000-0000-0000000000aa';

/** A deterministic AAD object id for test user n. */
export const kitUserId = (n: number): string =>
  `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Stores the personal conversation reference the bot would have learnt from user n's first message. */
export async function seedUser(
  s: Services,
  serviceUrl: string,
  n: number,
  locale = 'sv-SE',
): Promise<string> {
  const aad = kitUserId(n);
  const now = s.clock();
  await s.conversations.save(
    {
      _id: personalKey(aad),
      kind: 'personal',
      aadObjectId: aad,
      tenantId: KIT_TENANT,
      reference: {
        serviceUrl,
        channelId: 'msteams',
        conversation: { id: `a:kit-${n}`, conversationType: 'personal', tenantId: KIT_TENANT },
        bot: { id: '28:bot-app-id', name: 'Projektkontoret' },
        user: { id: `29:kit-${n}`, name: `Person ${n}`, aadObjectId: aad },
        locale,
      },
    },
    now,
  );
  await s.users.upsertProfile(aad, { name: `Person ${n}`, locale }, now);
  return aad;
}

/** Stores a channel's reference (the bot was installed in its team). */
export async function seedChannel(
  s: Services,
  serviceUrl: string,
  channelId: string,
  teamId = channelId,
): Promise<void> {
  await s.conversations.save(
    {
      _id: channelKey(channelId),
      kind: 'channel',
      channelId,
      teamId,
      tenantId: KIT_TENANT,
      reference: {
        serviceUrl,
        channelId: 'msteams',
        conversation: {
          id: channelId,
          conversationType: 'channel',
          tenantId: KIT_TENANT,
          isGroup: true,
        },
        bot: { id: '28:bot-app-id', name: 'Projektkontoret' },
      },
    },
    s.clock(),
  );
}

/** The outbox id the bot put in an activity's channelData (the idempotency marker). */
export function markerOf(activity: Partial<Activity> | undefined): string | undefined {
  const cd = activity?.channelData as { projektkontoret?: { outboxId?: unknown } } | undefined;
  const id = cd?.projektkontoret?.outboxId;
  return typeof id === 'string' ? id : undefined;
}

/** How far the worst window is over its limit (≤ 0: never exceeded), checked as Teams counts. */
export function worstExcess(times: number[], windows: readonly RateWindow[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = Number.NEGATIVE_INFINITY;
  for (const w of windows) {
    let lo = 0;
    for (let i = 0; i < sorted.length; i++) {
      while (sorted[lo] <= sorted[i] - w.windowMs) lo++;
      worst = Math.max(worst, i - lo + 1 - w.limit);
    }
  }
  return sorted.length === 0 ? 0 : worst;
}

/** Accepted calls as the connector counts them: per conversation id, and all together. */
export function limitExcess(
  calls: { at: number; conversationId?: string; status: number; kind: string }[],
  appWide: readonly RateWindow[],
  perConversation: readonly RateWindow[] = TEAMS_PER_CONVERSATION,
): { perConversation: number; appWide: number } {
  const accepted = calls.filter(
    (c) =>
      c.status >= 200 &&
      c.status < 300 &&
      ['send', 'reply', 'update', 'delete', 'createConversation'].includes(c.kind),
  );
  const byConv = new Map<string, number[]>();
  for (const c of accepted)
    byConv.set(c.conversationId ?? '?', [...(byConv.get(c.conversationId ?? '?') ?? []), c.at]);
  let worstConv = Number.NEGATIVE_INFINITY;
  for (const times of byConv.values())
    worstConv = Math.max(worstConv, worstExcess(times, perConversation));
  return {
    perConversation: byConv.size === 0 ? 0 : worstConv,
    appWide: worstExcess(
      accepted.map((c) => c.at),
      appWide,
    ),
  };
}
