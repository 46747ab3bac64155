import { messageCard } from '../../cards/application-cards';
import { strings } from '../../cards/strings';
import { normalizeCommand } from '../../services/shared/text';
import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';

const ENGLISH = new Set(['en', 'engelska', 'english', 'eng']);
const SWEDISH = new Set(['sv', 'svenska', 'swedish', 'se']);

/** `språk engelska` / `language swedish`: the person's own reply language, kept across sessions. */
export const languageCommand: CommandHandler = async (context, { deps, actor, args }) => {
  const wanted = normalizeCommand(args);
  const locale = ENGLISH.has(wanted) ? 'en' : SWEDISH.has(wanted) ? 'sv' : null;
  if (!locale) {
    const t = strings(actor.locale);
    await sendCard(context, messageCard({ title: t.language.title, lines: [{ text: t.language.usage }] }));
    return;
  }
  const s = deps.services;
  await s.users.setLocalePreference(actor.aadObjectId, locale, s.clock());
  await s.audit.append({
    at: s.clock().toISOString(),
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'user.language_set',
    entityType: 'user',
    entityId: actor.aadObjectId,
    after: { localePreference: locale },
  });
  deps.rememberLanguage?.(actor.aadObjectId, locale);
  const t = strings(locale);
  await sendCard(context, messageCard({ title: t.language.title, lines: [{ text: t.language.done }] }));
};
