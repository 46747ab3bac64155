import { refusalCard } from '../../cards/common-cards';
import { reminderPrefsCard } from '../../cards/reminder-cards';
import { strings } from '../../cards/strings';
import { normalizeCommand } from '../../services/shared/text';
import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';
import { dryRunCardFor } from '../verbs/outbox-admin-verbs';

/**
 * `påminnelser` / `reminders`: for the project office, what the scheduler would send now (a dry
 * run); for everyone else (and `påminnelser mina` / `reminders mine`), their own reminder
 * settings with the switch, in personal chat.
 */
export const remindersCommand: CommandHandler = async (context, { deps, actor, scope, args }) => {
  const s = deps.services;
  const own = ['mina', 'mine', 'mig', 'me'].includes(normalizeCommand(args));
  if (!own && (await s.users.hasRole(actor.aadObjectId, 'admin'))) {
    await sendCard(context, await dryRunCardFor(s, actor));
    return;
  }
  if (scope !== 'personal') {
    await sendCard(
      context,
      refusalCard(actor.locale, strings(actor.locale).refusals.personal_only),
    );
    return;
  }
  await sendCard(
    context,
    reminderPrefsCard(actor.locale, await s.reminders.prefs.get(actor.aadObjectId), s.clock()),
  );
};
