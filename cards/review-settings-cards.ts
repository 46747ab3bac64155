import { MAX_QUORUM, MAX_REVIEW_DAYS, ReviewRules } from '../services/review/review-rules';
import { ALL_ROLES } from '../services/review/role-grants';
import { Locale } from '../services/shared/actor';
import { Role } from '../services/users/user-repository';
import {
  AdaptiveCard,
  cardUtf16Bytes,
  clip,
  escapeMarkdown,
  MAX_CARD_BYTES,
  renderTemplate,
} from './render';
import { fmt } from './strings';
import { reviewText } from './strings/review-strings';
import { VERBS } from './verbs';

interface Field {
  kind: 'text' | 'toggle' | 'multi';
  id: string;
  label: string;
  value: string;
  choices: { title: string; value: string }[];
  error: string;
}

const field = (f: Partial<Field> & Pick<Field, 'kind' | 'id' | 'label' | 'value'>): Field => ({
  choices: [],
  error: '',
  ...f,
});

/** What the person did last on a settings card (shown at the top). */
export interface SettingsNotice {
  text: string;
  color: 'Good' | 'Attention' | 'Default';
}

/** The review rules of every portfolio: a form for admins, a list for everyone else. */
export function reviewRulesCard(input: {
  locale: Locale;
  admin: boolean;
  portfolios: {
    id: string;
    number: number;
    name: { sv: string; en: string };
    rules: ReviewRules;
  }[];
  notice?: SettingsNotice;
  errors?: Record<string, string>;
  drafts?: Record<string, string>;
}): AdaptiveCard {
  const r = reviewText(input.locale).rules;
  const errors = input.errors ?? {};
  const drafts = input.drafts ?? {};
  const name = (p: { number: number; name: { sv: string; en: string } }): string =>
    `${p.number}\\. ${escapeMarkdown(p.name[input.locale])}`;
  const err = (key: string): string => {
    const code = errors[key] as keyof typeof r.errors | undefined;
    return code
      ? fmt(r.errors[code], { max: code === 'bad_days' ? MAX_REVIEW_DAYS : MAX_QUORUM })
      : '';
  };
  return renderTemplate('review-settings', {
    title: r.title,
    notice: input.notice?.text ?? '',
    noticeColor: input.notice?.color ?? 'Default',
    lines: input.admin
      ? [{ text: r.intro }]
      : [
          { text: r.intro },
          ...input.portfolios.map((p) => ({
            text: fmt(r.line, {
              number: p.number,
              name: escapeMarkdown(p.name[input.locale]),
              quorum: p.rules.quorum,
              days: p.rules.reviewDays,
              statement: p.rules.statementRequired ? r.required : r.notRequired,
            }),
          })),
          { text: r.readOnly },
        ],
    sections: !input.admin
      ? []
      : input.portfolios.map((p) => {
          const q = `quorum_${p.id}`;
          const d = `days_${p.id}`;
          const st = `statement_${p.id}`;
          return {
            title: name(p),
            fields: [
              field({
                kind: 'text',
                id: q,
                label: r.quorumLabel,
                value: drafts[q] ?? String(p.rules.quorum),
                error: err(q),
              }),
              field({
                kind: 'text',
                id: d,
                label: r.daysLabel,
                value: drafts[d] ?? String(p.rules.reviewDays),
                error: err(d),
              }),
              field({
                kind: 'toggle',
                id: st,
                label: r.statementLabel,
                value: drafts[st] ?? String(p.rules.statementRequired),
              }),
            ],
          };
        }),
    actions: input.admin
      ? [{ title: r.save, verb: VERBS.reviewRulesSave, style: 'positive', data: {} }]
      : [],
  });
}

interface RolesCardInput {
  locale: Locale;
  users: { id: string; name?: string; email?: string; roles: Role[] }[];
  notice?: SettingsNotice;
  errors?: Record<string, string>;
  drafts?: Record<string, string>;
}

/**
 * The roles card (admins): each person's roles as ticks, and a row to give roles to someone else.
 * Up to 60 people; fewer when their names would take the card past Teams' size limit (the save
 * names the people it showed, so the others keep their roles).
 */
export function rolesCard(input: RolesCardInput): AdaptiveCard {
  let card: AdaptiveCard = {};
  for (const shown of [60, 40, 25, 15]) {
    card = buildRolesCard(input, shown);
    if (cardUtf16Bytes(card) <= MAX_CARD_BYTES) return card;
  }
  return card;
}

function buildRolesCard(input: RolesCardInput, shown: number): AdaptiveCard {
  const r = reviewText(input.locale).roles;
  const errors = input.errors ?? {};
  const drafts = input.drafts ?? {};
  const choices = ALL_ROLES.map((x) => ({ title: r.names[x], value: x }));
  const err = (key: string): string => {
    const code = errors[key] as keyof typeof r.errors | undefined;
    return code ? r.errors[code] : '';
  };
  const users = input.users.slice(0, shown);
  const person = (u: { id: string; name?: string; email?: string }): string =>
    escapeMarkdown(clip(u.name ?? u.email ?? r.noName, 100)) +
    (u.email && u.name ? ` (${escapeMarkdown(clip(u.email, 100))})` : '');
  return renderTemplate('review-settings', {
    title: r.title,
    notice: input.notice?.text ?? '',
    noticeColor: input.notice?.color ?? 'Default',
    lines: [{ text: r.intro }],
    sections: [
      ...users.map((u) => ({
        title: person(u),
        fields: [
          field({
            kind: 'multi',
            id: `roles_${u.id}`,
            label: r.rolesLabel,
            value: drafts[`roles_${u.id}`] ?? u.roles.join(','),
            choices,
            error: err(`roles_${u.id}`),
          }),
        ],
      })),
      {
        title: r.newTitle,
        fields: [
          field({
            kind: 'text',
            id: 'new_person',
            label: r.newPerson,
            value: drafts.new_person ?? '',
            error: err('new_person'),
          }),
          field({
            kind: 'multi',
            id: 'new_roles',
            label: r.newRoles,
            value: drafts.new_roles ?? '',
            choices,
            error: err('new_roles'),
          }),
        ],
      },
    ],
    actions: [
      {
        title: r.save,
        verb: VERBS.rolesSave,
        style: 'positive',
        data: { people: users.map((u) => u.id).join(',') },
      },
    ],
  });
}
