/**
 * Teams' rate limits for bots, as sliding windows, and the arithmetic on them that the sender,
 * the tests and the benchmark share.
 *
 * Teams (docs "Optimize your bot: rate limiting"): per bot per thread (conversation) at most
 * 7 per second, 8 per 2 seconds, 60 per 30 seconds and 1,800 per hour; per app and tenant 50
 * per second. A request that would exceed a window gets 429 with Retry-After.
 */

/** At most `limit` requests in any `windowMs` (a sliding window). */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/** The limits the outbox keeps: per conversation, across the app, and a safety margin. */
export interface TeamsRateLimits {
  perConversation: RateWindow[];
  appWide: RateWindow[];
  /**
   * Added to every window's length when checking: covers clock differences between instances
   * and the time between our clock reading and Teams' (a few ms on one machine).
   */
  marginMs: number;
}

/** Per bot per conversation (thread), Teams' published limits. */
export const TEAMS_PER_CONVERSATION: readonly RateWindow[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
];

/** Default app-wide rate per tenant (requests per second). */
export const TEAMS_APP_PER_SECOND = 50;

/** The limits with a configurable app-wide rate (the benchmark scales it; production keeps 50). */
export function teamsRateLimits(
  appPerSecond = TEAMS_APP_PER_SECOND,
  marginMs = 10,
): TeamsRateLimits {
  return {
    perConversation: TEAMS_PER_CONVERSATION.map((w) => ({ ...w })),
    appWide: [{ limit: appPerSecond, windowMs: 1_000 }],
    marginMs,
  };
}

/** The longest window in a set (how long send times must be kept). */
export function longestWindow(windows: readonly RateWindow[]): number {
  return windows.reduce((m, w) => Math.max(m, w.windowMs), 0);
}

/**
 * The earliest instant at or after `t` when one more request fits every window, given the
 * (upper bounds of the) arrival times of earlier requests, sorted ascending. A time counts in a
 * window ending at x when it is > x − (windowMs + margin), as Teams counts.
 */
export function earliestSlot(
  times: readonly number[],
  windows: readonly RateWindow[],
  t: number,
  marginMs = 0,
): number {
  let at = t;
  // Moving `at` forward can only free room, so a few rounds settle (one per window at most).
  for (let round = 0; round <= windows.length; round++) {
    let next = at;
    for (const w of windows) {
      const span = w.windowMs + marginMs;
      const inWindow = countAfter(times, at - span);
      if (inWindow >= w.limit) {
        // The oldest time that has to leave the window so that one more fits.
        const mustLeave = times[times.length - inWindow + (inWindow - w.limit)];
        next = Math.max(next, mustLeave + span);
      }
    }
    if (next === at) return at;
    at = next;
  }
  return at;
}

/** How many sorted times are strictly greater than `bound`. */
function countAfter(times: readonly number[], bound: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] > bound) hi = mid;
    else lo = mid + 1;
  }
  return times.length - lo;
}

/**
 * The shortest time the limits allow for delivering `countsPerConversation` messages (first
 * send at 0): the larger of what the app-wide windows allow for all of them and what the
 * per-conversation windows allow for the busiest conversation. A lower bound for any sender,
 * used by the benchmark to judge how close to the allowed rate the outbox gets.
 */
export function minimumSpanMs(
  countsPerConversation: readonly number[],
  limits: Pick<TeamsRateLimits, 'perConversation' | 'appWide'>,
): number {
  const total = countsPerConversation.reduce((a, b) => a + b, 0);
  const busiest = countsPerConversation.reduce((a, b) => Math.max(a, b), 0);
  return Math.max(greedySpan(total, limits.appWide), greedySpan(busiest, limits.perConversation));
}

/** Time of the last of n requests sent as early as the windows allow, starting at 0. */
export function greedySpan(n: number, windows: readonly RateWindow[]): number {
  const times: number[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    t = earliestSlot(times, windows, t, 0);
    times.push(t);
    if (times.length > 4096) times.splice(0, times.length - pruneKeep(windows));
  }
  return n === 0 ? 0 : times[times.length - 1];
}

function pruneKeep(windows: readonly RateWindow[]): number {
  return windows.reduce((m, w) => Math.max(m, w.limit), 0) + 1;
}
