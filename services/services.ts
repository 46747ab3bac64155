import { ProcessedActivities } from './activities/processed-activities';
import { AllocationServices } from './allocation/allocation-services';
import { ApplicationRepository } from './applications/application-repository';
import { AuditLog } from './audit/audit-log';
import { ChannelRepository } from './channels/channel-repository';
import { CoachingOptions, CoachingServices } from './coaching/coaching-services';
import { ConversationRepository } from './conversations/conversation-repository';
import { FollowupServices } from './followup/followup-services';
import { IdeaRepository } from './ideas/idea-repository';
import type { Logger } from './logging/logger';
import { OutboxRepository } from './outbox/outbox-repository';
import { PortfolioRepository } from './portfolios/portfolio-repository';
import { PrivacyRequestRepository } from './privacy/privacy-requests';
import { ReminderServices } from './reminders/reminder-services';
import type { ReminderSettings } from './reminders/reminder-settings';
import { ReviewRepository } from './review/review-repository';
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
  review: ReviewRepository;
  channels: ChannelRepository;
  coaching: CoachingServices;
  followup: FollowupServices;
  reminders: ReminderServices;
  allocation: AllocationServices;
  privacy: PrivacyRequestRepository;
}

/** Builds the repositories on a store and ensures their indexes. */
export async function createServices(
  store: Store,
  opts: {
    clock: Clock;
    log: Logger;
    admins: string[];
    coaching?: Partial<CoachingOptions>;
    reminders?: Partial<ReminderSettings>;
  },
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
    review: new ReviewRepository(store),
    channels: new ChannelRepository(store),
    coaching: new CoachingServices(store, opts.coaching),
    followup: new FollowupServices(store),
    reminders: new ReminderServices(store, opts.reminders),
    allocation: new AllocationServices(store),
    privacy: new PrivacyRequestRepository(store),
  };
  await s.audit.init();
  await s.applications.init(opts.log);
  await s.ideas.init();
  await s.outbox.init();
  await s.conversations.init();
  await s.processed.init();
  await s.review.init();
  await s.coaching.init();
  await s.followup.init();
  await s.reminders.init();
  await s.allocation.init();
  await s.privacy.init();
  await s.users.init(opts.clock());
  const retired = await store.retireUnusedIndexes();
  if (retired.length)
    opts.log.info({ indexes: retired }, 'store: dropped indexes this version no longer uses');
  return s;
}
