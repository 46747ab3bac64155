import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from './logger';

/** Key under which the server puts the turn's logger in TurnContext.turnState. */
export const TURN_LOG_KEY = Symbol.for('projektkontoret.turnLog');

/**
 * Set (to true) in TurnContext.turnState by a handler that caught an unexpected error and
 * answered with an error card, so the turn still counts as failed in the metrics.
 */
export const TURN_FAILED_KEY = Symbol.for('projektkontoret.turnFailed');

/**
 * A short, stable pseudonym for an id (conversation, activity): the same id always gives the same
 * value, so log lines of one conversation can be followed without the id itself being logged.
 */
export function hashId(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

/** What identifies a turn in the logs. */
export interface TurnLogFields {
  activityId?: string;
  conversationId?: string;
  type?: string;
}

/**
 * A child logger for one turn: a fresh `turnId` plus hashed activity and conversation ids, so
 * every line of a turn shares a correlation id and none carries a raw id or personal data.
 */
export function createTurnLogger(
  log: Logger,
  fields: TurnLogFields,
): { log: Logger; turnId: string } {
  // With logging off (LOG_LEVEL=silent) the child, its id and the hashes would only cost time.
  if (!log.isLevelEnabled('fatal')) return { turnId: '', log };
  const turnId = randomUUID();
  return {
    turnId,
    log: log.child({
      turnId,
      activityId: hashId(fields.activityId),
      conversationId: hashId(fields.conversationId),
      ...(fields.type ? { activityType: fields.type.slice(0, 64) } : {}),
    }),
  };
}

/** Anything with a turnState map (botbuilder's TurnContext), without depending on botbuilder here. */
export interface HasTurnState {
  turnState: { get(key: unknown): unknown };
}

/** The turn's logger set by the server, or `fallback` outside a turn (proactive work, tests). */
export function turnLogOf(context: HasTurnState | undefined, fallback: Logger): Logger {
  const found = context?.turnState.get(TURN_LOG_KEY);
  return found ? (found as Logger) : fallback;
}
