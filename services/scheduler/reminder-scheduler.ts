import { randomUUID } from 'node:crypto';
import { ReminderRunResult, runReminders } from '../reminders/plan-reminders';
import type { Services } from '../services';

export interface ReminderSchedulerOptions {
  /** How often the state is re-read (default from the settings, 5 minutes). */
  intervalMs?: number;
  /** Delay before the first run (default: one interval). */
  firstRunMs?: number;
  owner?: string;
}

/**
 * Runs the reminder computation periodically. The timer only decides *when* to look: what is
 * due is always recomputed from the state (applications, review items, projects, ledger), so a
 * restart or a second instance changes nothing. There is no leader: every instance runs, and
 * deterministic outbox ids plus the reminder ledger make a second run a no-op.
 */
export class ReminderScheduler {
  readonly owner: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<ReminderRunResult | null> | null = null;
  private stopped = true;

  constructor(
    private readonly s: Services,
    private readonly opts: ReminderSchedulerOptions = {},
  ) {
    this.owner = opts.owner ?? `scheduler-${randomUUID()}`;
  }

  private get intervalMs(): number {
    return this.opts.intervalMs ?? this.s.reminders.settings.intervalMs;
  }

  start(): void {
    this.stopped = false;
    this.schedule(this.opts.firstRunMs ?? this.intervalMs);
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.runOnce()
        .catch((err: unknown) => this.s.log.error({ err }, 'reminder run failed'))
        .finally(() => this.schedule(this.intervalMs));
    }, ms);
    this.timer.unref?.();
  }

  /** One run now (or at `now`, for tests with a controllable clock); runs never overlap. */
  async runOnce(now?: Date): Promise<ReminderRunResult> {
    while (this.running) await this.running.catch(() => null);
    const run = runReminders(this.s, this.owner, now ?? this.s.clock());
    this.running = run;
    try {
      const result = await run;
      if (result.digestsQueued + result.channelQueued > 0) {
        this.s.log.info(
          { digests: result.digestsQueued, channel: result.channelQueued },
          'reminders queued',
        );
      }
      return result;
    } finally {
      this.running = null;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running.catch(() => null);
  }
}
