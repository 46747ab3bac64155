import { normalizeCommand } from '../../services/shared/text';
import { CommandDef, CommandHandler } from '../handler-types';
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
import { CommandKey, VOCABULARY } from './vocabulary';

/** The handler of each command in the vocabulary (a missing or unknown key is a compile error). */
const HANDLERS: Record<CommandKey, CommandHandler> = {
  hjalp: helpCommand,
  sprak: languageCommand,
  'ny ansokan': newApplicationCommand,
  'ny ide': newIdeaCommand,
  'mina ansokningar': myApplicationsCommand,
  fraga: askCommand,
  coachkanal: coachChannelCommand,
  koppla: linkCommand,
  beredningsregler: reviewRulesCommand,
  roller: rolesCommand,
  rapport: reportCommand,
  paminnelser: remindersCommand,
  utkorg: outboxCommand,
  portfoljer: portfoliosCommand,
  personuppgifter: privacyCommand,
  fordela: allocateCommand,
  ramar: framesCommand,
  'hantera portfoljer': managePortfoliosCommand,
};

/** The command vocabulary (./vocabulary) with its handlers: a lookup table, Swedish names first. */
export const COMMANDS: CommandDef[] = VOCABULARY.map((v) => ({
  names: [...v.names],
  scope: v.scope,
  handler: HANDLERS[v.names[0]],
}));

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
