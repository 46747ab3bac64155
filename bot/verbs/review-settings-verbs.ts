import { reviewRefusalCard } from '../../cards/review-cards';
import { reviewRulesCard, rolesCard, SettingsNotice } from '../../cards/review-settings-cards';
import { AdaptiveCard } from '../../cards/render';
import { fmt } from '../../cards/strings';
import { reviewText } from '../../cards/strings/review-strings';
import { reviewRules, saveRulesForm } from '../../services/review/review-rules';
import { saveRolesForm, usersWithRoles } from '../../services/review/role-grants';
import { Services } from '../../services/services';
import { Actor } from '../../services/shared/actor';
import { DomainError } from '../../services/shared/domain-error';
import { personName } from '../../services/users/user-repository';
import { VerbHandler } from '../handler-types';

/** The review rules card as it stands (a form for admins). */
export async function rulesCardFor(
  s: Services,
  actor: Actor,
  extra: {
    notice?: SettingsNotice;
    errors?: Record<string, string>;
    drafts?: Record<string, string>;
  } = {},
): Promise<AdaptiveCard> {
  const portfolios = [];
  for (const p of await s.portfolios.all())
    portfolios.push({
      id: p._id,
      number: p.number,
      name: p.name,
      rules: await reviewRules(s, p._id),
    });
  return reviewRulesCard({
    locale: actor.locale,
    admin: await s.users.hasRole(actor.aadObjectId, 'admin'),
    portfolios,
    ...extra,
  });
}

/** The roles card as it stands (admins only). */
export async function rolesCardFor(
  s: Services,
  actor: Actor,
  extra: {
    notice?: SettingsNotice;
    errors?: Record<string, string>;
    drafts?: Record<string, string>;
  } = {},
): Promise<AdaptiveCard> {
  const users = (await usersWithRoles(s)).map((u) => ({
    id: u._id,
    name: personName(u.name, u._id),
    email: u.email,
    roles: u.roles ?? [],
  }));
  return rolesCard({ locale: actor.locale, users, ...extra });
}

function refusal(err: unknown, actor: Actor): AdaptiveCard {
  if (err instanceof DomainError && typeof err.params.reason === 'string')
    return reviewRefusalCard(actor.locale, err.params.reason, err.params);
  throw err;
}

/** `reviewRules.save`: the rules form (admins); errors come back on the form as typed. */
export const reviewRulesSave: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  const s = deps.services;
  const r = reviewText(actor.locale).rules;
  try {
    const result = await saveRulesForm(s, actor, data, activityId);
    if (Object.keys(result.errors).length > 0)
      return rulesCardFor(s, actor, {
        notice: { text: r.fix, color: 'Attention' },
        errors: result.errors,
        drafts: result.drafts,
      });
    return rulesCardFor(s, actor, {
      notice:
        result.changed > 0
          ? { text: r.changed, color: 'Good' }
          : { text: r.unchanged, color: 'Default' },
    });
  } catch (err) {
    return refusal(err, actor);
  }
};

/** `roles.save`: the roles form (admins); errors come back on the form as typed. */
export const rolesSave: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  const s = deps.services;
  const r = reviewText(actor.locale).roles;
  try {
    const result = await saveRolesForm(s, actor, data, activityId);
    if (Object.keys(result.errors).length > 0)
      return rolesCardFor(s, actor, {
        notice: { text: r.fix, color: 'Attention' },
        errors: result.errors,
        drafts: result.drafts,
      });
    return rolesCardFor(s, actor, {
      notice:
        result.changed.length > 0
          ? {
              text: fmt(r.saved, { names: result.changed.filter((x) => x).join(', ') || '–' }),
              color: 'Good',
            }
          : { text: r.unchanged, color: 'Default' },
    });
  } catch (err) {
    return refusal(err, actor);
  }
};
