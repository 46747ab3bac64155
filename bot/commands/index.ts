import { normalizeCommand } from '../../services/shared/text';
import { CommandDef } from '../handler-types';
import { allocateCommand } from './allocate-command';
import { askCommand } from './ask-command';
import { coachChannelCommand } from './coach-channel-command';
import { framesCommand } from './frames-command';
import { helpCommand } from './help-command';
import { languageCommand } from './language-command';
import { managePortfoliosCommand } from './manage-portfolios-command';
import { linkCommand } from './link-command';
import { myApplicationsCommand } from './my-applications-command';
import { newApplicationCommand } from './new-application-command';
import { newIdeaCommand } from './new-idea-command';
import { outboxCommand } from './outbox-command';
import { portfoliosCommand } from './portfolios-command';
import { privacyCommand } from './privacy-command';
import { remindersCommand } from './reminders-command';
import { reportCommand } from './report-command';
import { reviewRulesCommand } from './review-rules-command';
import { rolesCommand } from './roles-command';

/** The command vocabulary (DESIGN.md): a lookup table, Swedish names first, English aliases. */
export const COMMANDS: CommandDef[] = [
  { names: ['hjalp', 'help', '?'], scope: 'anywhere', handler: helpCommand },
  { names: ['sprak', 'language'], scope: 'anywhere', handler: languageCommand },
  { names: ['ny ansokan', 'new application'], scope: 'personal', handler: newApplicationCommand },
  { names: ['ny ide', 'new idea'], scope: 'personal', handler: newIdeaCommand },
  { names: ['mina ansokningar', 'my applications'], scope: 'personal', handler: myApplicationsCommand },
  { names: ['fraga', 'ask'], scope: 'personal', handler: askCommand },
  { names: ['coachkanal', 'coach channel'], scope: 'channel', handler: coachChannelCommand },
  { names: ['koppla', 'link'], scope: 'channel', handler: linkCommand },
  { names: ['beredningsregler', 'review rules'], scope: 'anywhere', handler: reviewRulesCommand },
  { names: ['roller', 'roles'], scope: 'anywhere', handler: rolesCommand },
  { names: ['rapport', 'report'], scope: 'personal', handler: reportCommand },
  { names: ['paminnelser', 'reminders'], scope: 'anywhere', handler: remindersCommand },
  { names: ['utkorg', 'outbox'], scope: 'anywhere', handler: outboxCommand },
  { names: ['portfoljer', 'portfolios', 'dashboard'], scope: 'anywhere', handler: portfoliosCommand },
  { names: ['personuppgifter', 'personal data', 'gdpr'], scope: 'personal', handler: privacyCommand },
  { names: ['fordela', 'allocate'], scope: 'anywhere', handler: allocateCommand },
  { names: ['ramar', 'frames'], scope: 'anywhere', handler: framesCommand },
  { names: ['hantera portfoljer', 'manage portfolios'], scope: 'anywhere', handler: managePortfoliosCommand },
];

const BY_NAME = new Map<string, CommandDef>();
for (const def of COMMANDS) for (const name of def.names) BY_NAME.set(name, def);
const MAX_WORDS = Math.max(...COMMANDS.flatMap((c) => c.names.map((n) => n.split(' ').length)));

/** Finds the command a message starts with; the rest of the (original) text is its argument. */
export function matchCommand(text: string): { def: CommandDef; args: string } | null {
  const normalized = normalizeCommand(text);
  const words = normalized.split(' ');
  for (let n = Math.min(MAX_WORDS, words.length); n >= 1; n--) {
    const def = BY_NAME.get(words.slice(0, n).join(' '));
    if (def) {
      const original = text.trim().split(/\s+/).slice(n).join(' ');
      return { def, args: original };
    }
  }
  return null;
}
