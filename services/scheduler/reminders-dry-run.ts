/**
 * Command-line dry run of the reminder scheduler: what would be sent now (or at `--at`), read
 * from the configured store, sending nothing and changing nothing.
 *
 *   npm run build && node dist/services/scheduler/reminders-dry-run.js [--at 2027-03-08T10:00+01:00] [--json]
 *
 * Configuration comes from the environment as for the bot (MONGODB_URI or DATA_DIR, OFFICE_HOURS,
 * REMINDER_*). The embedded store serves one process: stop the bot first, or use the admin
 * command `påminnelser` in Teams, which shows the same listing.
 */
import { ConfigError, loadConfig } from '../config/config';
import { createLogger } from '../logging/logger';
import { ChannelReminder, PersonReminder } from '../reminders/reminder';
import { planReminders, ReminderPlan } from '../reminders/plan-reminders';
import { createServices } from '../services';
import { openStore } from '../store/open-store';

/** The plan as plain lines for a terminal. */
export function formatPlan(plan: ReminderPlan, names: Map<string, string>): string {
  const who = (id: string) => `${names.get(id) ?? id} <${id}>`;
  const item = (r: PersonReminder) => `      - ${r.kind} ${r.key} (due ${r.dueAt})`;
  const channel = (c: ChannelReminder) =>
    `    ${c.kind} → ${c.channelId}${c.threadId ? ` (thread ${c.threadId})` : ''}: ${c.summary} [${c.id}]`;
  const out: string[] = [];
  out.push(
    `Reminders at ${plan.at} (Stockholm day ${plan.day})${plan.dryRun ? ' — REMINDERS_DRY_RUN is on' : ''}`,
  );
  out.push(
    plan.officeOpen
      ? 'Office hours: open — the next run sends what follows.'
      : `Office hours: closed — next sending ${plan.opensAt}.`,
  );
  out.push(`  Digests (${plan.digests.length}):`);
  for (const d of plan.digests)
    out.push(`    ${who(d.recipientId)} [${d.digestId}]`, ...d.items.map(item));
  out.push(`  Channel messages (${plan.channel.length}):`, ...plan.channel.map(channel));
  out.push(`  Waiting (${plan.waiting.length + plan.channelWaiting.length}):`);
  for (const w of plan.waiting)
    out.push(
      `    ${who(w.recipientId)}: ${w.reason}${w.until ? ` until ${w.until}` : ''}`,
      ...w.items.map(item),
    );
  out.push(...plan.channelWaiting.map(channel));
  out.push(`  Opted out (${plan.optedOut.length}):`);
  for (const o of plan.optedOut) out.push(`    ${who(o.recipientId)}`, ...o.items.map(item));
  out.push(`  Coming up (${plan.upcoming.length}):`);
  for (const u of plan.upcoming)
    out.push(
      'recipientId' in u
        ? `    ${u.dueAt} ${u.kind} → ${who(u.recipientId)} ${u.key}`
        : `    ${u.dueAt} ${u.kind} → ${u.channelId} ${u.summary}`,
    );
  return out.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const atArg = argv.indexOf('--at') >= 0 ? argv[argv.indexOf('--at') + 1] : undefined;
  const at = atArg ? new Date(atArg) : new Date();
  if (Number.isNaN(at.getTime())) throw new Error(`--at: not a date: ${atArg}`);
  const config = loadConfig({
    LOCAL_MODE: process.env.MicrosoftAppId ? undefined : 'true',
    ...process.env,
  });
  const store = await openStore({
    mongoUri: config.mongoUri,
    mongoDb: config.mongoDb,
    dataDir: config.dataDir,
  });
  try {
    const s = await createServices(store, {
      clock: () => at,
      log: createLogger('silent'),
      admins: config.botAdmins,
      reminders: config.reminders,
    });
    const plan = await planReminders(s, at);
    if (argv.includes('--json')) {
      process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      return;
    }
    const ids = [...plan.digests, ...plan.waiting, ...plan.optedOut].map((d) => d.recipientId);
    const names = new Map<string, string>();
    for (const id of new Set(ids)) {
      const u = await s.users.get(id);
      if (u?.name) names.set(id, u.name);
    }
    process.stdout.write(`${formatPlan(plan, names)}\n`);
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exit(1);
  });
}
