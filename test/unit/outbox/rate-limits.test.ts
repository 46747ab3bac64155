import fc from 'fast-check';
import {
  earliestSlot,
  greedySpan,
  minimumSpanMs,
  RateWindow,
  teamsRateLimits,
  TEAMS_PER_CONVERSATION,
} from '../../../services/outbox/rate-limits';

/** Independent check: does any window ending at a request hold more than its limit? */
function violates(times: number[], windows: RateWindow[]): boolean {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.some((t, i) =>
    windows.some((w) => sorted.slice(0, i + 1).filter((x) => x > t - w.windowMs).length > w.limit),
  );
}

describe('Teams rate windows', () => {
  it('when a window is full, then the next slot is when its oldest relevant send leaves', () => {
    const times = [0, 100, 200, 300, 400, 500, 600];
    expect(earliestSlot(times, [{ limit: 7, windowMs: 1000 }], 650)).toBe(1000);
    expect(earliestSlot(times, [{ limit: 8, windowMs: 1000 }], 650)).toBe(650);
  });

  it('when a margin is given, then windows are that much longer', () => {
    expect(earliestSlot([0], [{ limit: 1, windowMs: 1000 }], 10, 25)).toBe(1025);
  });

  it('when several windows apply, then the slot satisfies all of them', () => {
    // 8 per 2 s bites before 7 per 1 s when the first 7 were spread over a second.
    const times = [0, 150, 300, 450, 600, 750, 900, 1050];
    const at = earliestSlot(times, TEAMS_PER_CONVERSATION, 1100);
    expect(at).toBe(2000);
    expect(violates([...times, at], [...TEAMS_PER_CONVERSATION])).toBe(false);
    expect(violates([...times, at - 1], [...TEAMS_PER_CONVERSATION])).toBe(true);
  });

  it('when sends are placed greedily at the earliest slot, then no window is ever exceeded', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 120 }),
        (gaps) => {
          const times: number[] = [];
          let t = 0;
          for (const gap of gaps) {
            t = earliestSlot(times, [...TEAMS_PER_CONVERSATION], t + gap);
            times.push(t);
          }
          return !violates(times, [...TEAMS_PER_CONVERSATION]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('when computing the minimum span, then it matches the windows by hand', () => {
    // 50 per second: request 51 waits for the first to leave the window (at 1000 ms).
    expect(greedySpan(50, [{ limit: 50, windowMs: 1000 }])).toBe(0);
    expect(greedySpan(51, [{ limit: 50, windowMs: 1000 }])).toBe(1000);
    expect(greedySpan(10_000, [{ limit: 50, windowMs: 1000 }])).toBe(199_000);
    // One conversation: 7 at once, 8th at 1 s, then 60 per 30 s decides.
    expect(greedySpan(8, [...TEAMS_PER_CONVERSATION])).toBe(1000);
    expect(greedySpan(61, [...TEAMS_PER_CONVERSATION])).toBe(30_000);
    const limits = teamsRateLimits(50);
    expect(minimumSpanMs([5, 5, 61], limits)).toBe(30_000);
    expect(
      minimumSpanMs(
        Array.from({ length: 2000 }, () => 5),
        limits,
      ),
    ).toBe(199_000);
  });
});
