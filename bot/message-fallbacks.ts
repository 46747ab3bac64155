import { TurnContext } from 'botbuilder';
import { coachMessageFallback } from './coach-relay';
import { HandlerRequest } from './handler-types';
import { reviewThreadReply } from './verbs/review-verbs';

export interface FallbackRequest extends HandlerRequest {
  /** The message text with any @mention of the bot removed. */
  text: string;
  /** True when the bot was @mentioned (in channels Teams only delivers such messages, except with RSC). */
  mentioned: boolean;
}

/**
 * Handles a message that is not a command (a coach's reply in a question thread, an applicant's
 * answer to a coach, …). Returns true when it took the message.
 */
export type MessageFallback = (context: TurnContext, req: FallbackRequest) => Promise<boolean>;

/** Consulted in order before the bot answers "I did not understand"; each area adds one line. */
export const MESSAGE_FALLBACKS: MessageFallback[] = [coachMessageFallback, reviewThreadReply];
