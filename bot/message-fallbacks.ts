import { coachMessageFallback } from './coach-relay';
import { MessageFallback } from './handler-types';
import { reviewThreadReply } from './verbs/review-verbs';

/** Consulted in order before the bot answers "I did not understand"; each area adds one line. */
export const MESSAGE_FALLBACKS: MessageFallback[] = [coachMessageFallback, reviewThreadReply];
