import { ApplicationDoc } from '../services/applications/application';
import { FieldDef, STEPS } from '../services/applications/wizard-steps';
import { CommentDoc, CompletenessCheckDoc } from '../services/review/review-types';
import { Locale } from '../services/shared/actor';
import {
  AdaptiveCard,
  cardUtf16Bytes as cardBytes,
  clip,
  MAX_CARD_BYTES,
  renderTemplate,
} from './render';
import { day, md } from './review-card-fit';
import { fmt, strings, Strings } from './strings';
import { reviewText } from './strings/review-strings';
import { VERBS } from './verbs';

/** A step's field label in the user's language (cost-sharing rows are numbered). */
export function fieldLabel(t: Strings, id: string): string {
  const m = /^(shareOrg|sharePercent)(\d)$/.exec(id);
  if (m) return fmt(t.fields[m[1] as 'shareOrg' | 'sharePercent'], { n: m[2] });
  return (t.fields as Record<string, string>)[id] ?? id;
}

export function stepNames(t: Strings, steps: readonly string[]): string {
  return steps.map((s) => t.steps[s as keyof Strings['steps']] ?? s).join(', ');
}

function displayValue(
  def: FieldDef,
  raw: string | undefined,
  t: Strings,
  locale: Locale,
  max: number,
  portfolios: { id: string; label: string }[],
): string {
  if (raw === undefined || raw.trim() === '') return '';
  switch (def.type) {
    case 'toggle':
      return raw === 'true' ? t.yes : t.no;
    case 'choice':
      if (def.options === 'portfolios')
        return portfolios.find((p) => p.id === raw)?.label ?? md(raw);
      if (def.options === 'parts') return t.parts[raw as keyof Strings['parts']] ?? md(raw);
      if (def.options === 'reuse') return t.reuse[raw as keyof Strings['reuse']] ?? md(raw);
      if (def.options === 'securityClass')
        return t.securityClass[raw as keyof Strings['securityClass']] ?? md(raw);
      return md(raw);
    case 'multichoice':
      return raw
        .split(',')
        .map((g) => t.kfGoals[g.trim() as keyof Strings['kfGoals']] ?? md(g))
        .join('; ');
    default:
      return md(clip(raw.trim(), max));
  }
}

/** What "Visa hela ansökan" shows. */
export interface ApplicationCardInput {
  app: ApplicationDoc;
  locale: Locale;
  portfolios: { id: string; label: string }[];
  itemId?: string;
  comments: CommentDoc[];
  checks: CompletenessCheckDoc[];
}

/**
 * "Visa hela ansökan": every field of the application, the completion history and the thread's
 * discussion. Long texts are shortened step by step until the card fits Teams' size limit.
 */
export function reviewApplicationCard(input: ApplicationCardInput): AdaptiveCard {
  const { app, locale } = input;
  const t = strings(locale);
  const r = reviewText(locale);
  let card: AdaptiveCard = {};
  for (const max of [3000, 1500, 800, 400, 200, 100]) {
    let clipped = false;
    const sections = STEPS.map((step) => ({
      title: t.steps[step.id],
      facts: step.fields
        .map((def) => {
          const raw = app.inputs[def.id];
          if (raw && raw.trim().length > max) clipped = true;
          return {
            title: fieldLabel(t, def.id),
            value: displayValue(def, raw, t, locale, max, input.portfolios),
          };
        })
        .filter((x) => x.value !== ''),
    }));
    const lines = [{ text: fmt(r.application.status, { status: t.status[app.status] }) }];
    if (clipped) lines.push({ text: r.application.clipped });
    const history = input.checks
      .filter((c) => c.status === 'completion_requested')
      .flatMap((c) => [
        {
          text: fmt(r.completeness.historyRequested, {
            round: c.round,
            name: md(c.decidedByName ?? ''),
            date: day(c.decidedAt),
            steps: stepNames(t, c.missingSteps ?? []),
          }),
        },
        ...(c.note
          ? [{ text: fmt(r.completeness.historyNote, { note: md(clip(c.note, max)) }) }]
          : []),
      ]);
    const discussion = input.comments.slice(-20).map((c) => ({
      text: fmt(r.application.discussionLine, {
        name: md(c.authorName),
        date: day(c.at),
        text: md(clip(c.text, Math.min(max, 600))),
      }),
    }));
    card = renderTemplate('review-application', {
      heading:
        fmt(r.application.title, { regNo: md(app.regNo ?? '') }) +
        ` – ${md(clip(app.data?.title ?? app.inputs.title ?? '', 150))}`,
      lines,
      sections,
      historyTitle: r.application.historyTitle,
      history,
      discussionTitle: r.application.discussionTitle,
      discussion,
      actions: input.itemId
        ? [
            {
              title: r.review.actions.back,
              verb: VERBS.reviewRefresh,
              itemId: input.itemId,
              appId: app._id,
            },
          ]
        : [],
    });
    if (cardBytes(card) <= MAX_CARD_BYTES) return card;
  }
  return card;
}
