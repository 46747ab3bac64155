import { TeamsInfo, TurnContext } from 'botbuilder';
import { coachNoticeCard, coachTextError, pickQuestionCard } from '../cards/coach-cards';
import { fmt } from '../cards/strings';
import { coachStrings } from '../cards/strings/coach-strings';
import { questionsForMessage } from '../services/coaching/ask-question';
import { recordApplicantReply, recordCoachReply } from '../services/coaching/coach-messages';
import { findQuestionByThread } from '../services/coaching/coach-thread';
import { Services } from '../services/services';
import { Actor } from '../services/shared/actor';
import { DomainError } from '../services/shared/domain-error';
import { MessageFallback } from './handler-types';
import { sendCard } from './send';

const ROSTER_MAX_AGE_MS = 10 * 60_000;
const ROSTER_RETRY_MS = 60_000;

/** Teams channel messages may carry HTML; the applicant gets the words, not the markup. */
export function plainText(text: string): string {
  return text
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Reads the coach channel's roster from Teams (AAD object ids) when it is missing, old, or the
 * actor is not on it, so channel members without the coach role may act as coaches.
 */
export async function refreshCoachRoster(
  context: TurnContext,
  s: Services,
  channelId: string,
  actor?: Actor,
): Promise<void> {
  if (actor && (await s.users.hasRole(actor.aadObjectId, 'coach'))) return;
  const roster = await s.coaching.rosters.get(channelId);
  const age = roster ? Date.now() - Date.parse(roster.fetchedAt) : Infinity;
  const missingActor = !!actor && !!roster && !roster.memberIds.includes(actor.aadObjectId);
  if (roster && age < ROSTER_MAX_AGE_MS && !(missingActor && age > ROSTER_RETRY_MS)) return;
  try {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await TeamsInfo.getPagedMembers(context, 500, token);
      for (const m of page.members ?? []) if (m.aadObjectId) ids.push(m.aadObjectId);
      token = page.continuationToken || undefined;
    } while (token && ids.length < 20_000);
    await s.coaching.rosters.save(channelId, ids, s.clock());
  } catch (err) {
    s.log.warn(
      { err: (err as Error).message, channelId },
      'could not read the coach channel roster',
    );
  }
}

/** The applicant's free text in personal chat goes to their one open question (or they choose). */
async function applicantText(
  context: TurnContext,
  s: Services,
  actor: Actor,
  text: string,
  activityId?: string,
): Promise<boolean> {
  // An open question, or else a recently resolved one: a new message reopens it.
  const active = await questionsForMessage(s, actor.aadObjectId, s.clock());
  if (active.length === 0) return false;
  const c = coachStrings[actor.locale];
  if (active.length > 1) {
    await sendCard(context, pickQuestionCard(actor.locale, text, active));
    return true;
  }
  try {
    const { question, reopened, queued } = await recordApplicantReply(
      s,
      actor,
      active[0]._id,
      text,
      activityId,
    );
    const line = queued ? c.sent.queued : reopened ? c.sent.reopened : c.sent.replySent;
    await sendCard(
      context,
      coachNoticeCard(actor.locale, fmt(line, { seq: question.seq }), 'Good'),
    );
  } catch (err) {
    if (!(err instanceof DomainError) || err.code !== 'invalid_input') throw err;
    await sendCard(
      context,
      coachNoticeCard(
        actor.locale,
        coachTextError(actor.locale, err.params.reason, err.params, 'reply'),
        'Attention',
      ),
    );
  }
  return true;
}

/** A reply in a coach thread (no @mention needed with RSC) is relayed to the applicant. */
async function threadReply(
  context: TurnContext,
  s: Services,
  actor: Actor,
  text: string,
  activityId?: string,
): Promise<boolean> {
  const conversationId = context.activity.conversation?.id ?? '';
  if (!conversationId.includes(';messageid=')) return false;
  const q = await findQuestionByThread(s, conversationId);
  if (!q) {
    s.log.debug({ conversationId }, 'channel reply is not in a coach thread; ignored');
    return false;
  }
  if (q.askerId === actor.aadObjectId) {
    s.log.debug(
      { questionId: q._id },
      'the asker wrote in the coach thread; it is already visible there',
    );
    return true;
  }
  const raw =
    typeof context.activity.text === 'string'
      ? context.activity.text.replace(/<at>[^<]*<\/at>/g, ' ')
      : text;
  const body = plainText(raw);
  const attachmentOnly = !body && (context.activity.attachments ?? []).length > 0;
  if (!body && !attachmentOnly) return true;
  await recordCoachReply(s, actor, q._id, { text: body, attachmentOnly }, activityId);
  return true;
}

/**
 * MESSAGE_FALLBACK for coaching: a coach's reply in a question thread, or an applicant's
 * answer in personal chat while they have an open question.
 */
export const coachMessageFallback: MessageFallback = async (context, req) => {
  const s = req.deps.services;
  if (req.scope === 'channel') return threadReply(context, s, req.actor, req.text, req.activityId);
  if (req.scope === 'personal' && req.text)
    return applicantText(context, s, req.actor, req.text, req.activityId);
  return false;
};
