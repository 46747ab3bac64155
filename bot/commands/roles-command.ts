import { TeamsInfo, TurnContext } from 'botbuilder';
import { messageCard } from '../../cards/application-cards';
import { escapeMarkdown } from '../../cards/render';
import { reviewRefusalCard } from '../../cards/review-cards';
import { fmt } from '../../cards/strings';
import { ReviewStrings, reviewText } from '../../cards/strings/review-strings';
import { changeRoles, parseRoleChanges, usersWithRoles } from '../../services/review/role-grants';
import { Services } from '../../services/services';
import { DomainError } from '../../services/shared/domain-error';
import { personName, Role } from '../../services/users/user-repository';
import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';
import { rolesCardFor } from '../verbs/review-settings-verbs';
import { teamsDirectory } from '../roster';
import { channelIdOf, scopeOf, teamIdOf } from '../turn';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function roleNames(r: ReviewStrings, roles: Role[] | undefined): string {
  return roles && roles.length > 0
    ? roles.map((x) => r.roles.names[x] ?? x).join(', ')
    : r.roles.noRoles;
}

/** The person an admin means: an @mention (resolved to an AAD object id), an e-mail address or an AAD id. */
async function resolvePerson(
  context: TurnContext,
  s: Services,
  words: string[],
): Promise<{ person: { aadObjectId: string; name?: string } | null; rest: string[] }> {
  const botId = context.activity.recipient?.id;
  const mention = (context.activity.entities ?? []).find(
    (e) => e.type === 'mention' && (e as { mentioned?: { id?: string } }).mentioned?.id !== botId,
  ) as { mentioned?: { id?: string; name?: string; aadObjectId?: string } } | undefined;
  if (mention?.mentioned?.id) {
    const id = mention.mentioned.id;
    let aad = mention.mentioned.aadObjectId;
    if (!aad) {
      const channelId =
        scopeOf(context.activity) === 'channel' ? channelIdOf(context.activity) : undefined;
      const members = channelId
        ? await teamsDirectory(context, s).membersOf(channelId, teamIdOf(context.activity))
        : null;
      aad = members?.find((m) => m.id === id)?.aadObjectId;
    }
    if (!aad) {
      const member = await TeamsInfo.getMember(context, id).catch(() => null);
      aad = member?.aadObjectId;
    }
    return {
      person: aad ? { aadObjectId: aad.toLowerCase(), name: mention.mentioned.name } : null,
      rest: words,
    };
  }
  const [first, ...rest] = words;
  if (!first) return { person: null, rest };
  if (GUID.test(first)) {
    const known = await s.users.get(first);
    return { person: { aadObjectId: first.toLowerCase(), name: known?.name }, rest };
  }
  if (first.includes('@')) {
    const u = await s.users.byEmail(first);
    return { person: u ? { aadObjectId: u._id, name: u.name } : null, rest };
  }
  return { person: null, rest: words };
}

/**
 * `roller` / `roles` (admins): lists who has which role, or grants and removes roles
 * (`roller @Eva +it -ledamot`). Authorisation and storage are on AAD object ids only.
 */
export const rolesCommand: CommandHandler = async (context, { deps, actor, args, activityId }) => {
  const s = deps.services;
  const r = reviewText(actor.locale);
  if (!(await s.users.hasRole(actor.aadObjectId, 'admin'))) {
    await sendCard(context, reviewRefusalCard(actor.locale, 'admin_only'));
    return;
  }
  const words = args.split(/\s+/).filter((w) => w.length > 0);
  const { person, rest } = await resolvePerson(context, s, words);
  if (!person) {
    const hasTarget =
      words.length > 0 ||
      (context.activity.entities ?? []).filter((e) => e.type === 'mention').length > 1;
    if (hasTarget) {
      await sendCard(
        context,
        messageCard({
          title: r.roles.title,
          lines: [{ text: r.refusals.unknown_person, color: 'Attention' }, { text: r.roles.usage }],
        }),
      );
      return;
    }
    // Without a person: the roles card, where the admin ticks and saves.
    if (words.length === 0) {
      await sendCard(context, await rolesCardFor(s, actor));
      return;
    }
    const users = await usersWithRoles(s);
    const lines: { text: string; color?: string }[] =
      users.length > 0
        ? users.map((u) => ({
            text: fmt(r.roles.line, {
              name: escapeMarkdown(personName(u.name, u._id) ?? r.roles.noName),
              roles: roleNames(r, u.roles),
            }),
          }))
        : [{ text: r.roles.none }];
    lines.push({ text: r.roles.usage });
    await sendCard(context, messageCard({ title: r.roles.title, lines }));
    return;
  }
  const changes = parseRoleChanges(rest.join(' '));
  if (changes.kind === 'bad') {
    await sendCard(
      context,
      messageCard({
        title: r.roles.title,
        lines: [
          {
            text: fmt(r.roles.badRole, { words: escapeMarkdown(changes.words.join(', ')) }),
            color: 'Attention',
          },
          { text: r.roles.usage },
        ],
      }),
    );
    return;
  }
  try {
    const after = await changeRoles(s, actor, person, changes.add, changes.remove, activityId);
    await sendCard(
      context,
      messageCard({
        title: r.roles.title,
        lines: [
          {
            text: fmt(r.roles.changed, {
              name: escapeMarkdown(
                personName(after.name, after._id) ??
                  personName(person.name, after._id) ??
                  r.roles.noName,
              ),
              roles: roleNames(r, after.roles),
            }),
            color: 'Good',
          },
        ],
      }),
    );
  } catch (err) {
    if (err instanceof DomainError && typeof err.params.reason === 'string') {
      await sendCard(context, reviewRefusalCard(actor.locale, err.params.reason, err.params));
      return;
    }
    throw err;
  }
};
