import { ProcessedActivities } from './activities/processed-activities';
import { ApplicationRepository } from './applications/application-repository';
import { AuditLog } from './audit/audit-log';
import { ConversationRepository } from './conversations/conversation-repository';
import { IdeaRepository } from './ideas/idea-repository';
import type { Logger } from './logging/logger';
import { OutboxRepository } from './outbox/outbox-repository';
import { PortfolioRepository } from './portfolios/portfolio-repository';
import { SettingsRepository } from './settings/settings-repository';
import { Clock } from './shared/clock';
import { CounterRepository } from './store/counter-repository';
import { Store } from './store/store';
import { UserRepository } from './users/user-repository';

/** Everything a use case may depend on; built once in the composition root. */
export interface Services {
  store: Store;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  applications: ApplicationRepository;
  ideas: IdeaRepository;
  users: UserRepository;
  portfolios: PortfolioRepository;
  outbox: OutboxRepository;
  conversations: ConversationRepository;
  counters: CounterRepository;
  settings: SettingsRepository;
  processed: ProcessedActivities;
}

/** Builds the repositories on a store and ensures their indexes. */
export async function createServices(
  store: Store,
  opts: { clock: Clock; log: Logger; admins: string[] },
): Promise<Services> {
  const s: Services = {
    store,
    clock: opts.clock,
    log: opts.log,
    audit: new AuditLog(store),
    applications: new ApplicationRepository(store),
    ideas: new IdeaRepository(store),
    users: new UserRepository(store, opts.admins),
    portfolios: new PortfolioRepository(store),
    outbox: new OutboxRepository(store),
    conversations: new ConversationRepository(store),
    counters: new CounterRepository(store),
    settings: new SettingsRepository(store),
    processed: new ProcessedActivities(store),
  };
  await s.audit.init();
  await s.applications.init();
  await s.ideas.init();
  await s.outbox.init();
  await s.conversations.init();
  await s.processed.init();
  return s;
}
