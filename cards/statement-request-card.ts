import { STATEMENT_RECOMMENDATIONS } from '../services/review/review-types';
import { Locale } from '../services/shared/actor';
import { AdaptiveCard, clip, renderTemplate } from './render';
import { Line, line, md } from './review-card-fit';
import { fmt, strings, Strings } from './strings';
import { reviewText, ReviewStrings } from './strings/review-strings';

/** The IT function's statement request (also its outbox model). */
export interface StatementRequestModel {
  itemId: string;
  regNo: string;
  title: string;
  organisation: string;
  portfolio: { number: number; name: { sv: string; en: string } };
  reuse: string;
  reuseDetails: string;
  securityClass: string;
  deadline: string;
  required: boolean;
}

/** The IT function's personal card asking for a statement (with the form). */
export function statementRequestCard(
  model: StatementRequestModel,
  locale: Locale,
  extra: {
    notice?: string;
    error?: string;
    draft?: Record<string, string>;
    current?: { recommendation: string; text: string };
    open?: boolean;
  } = {},
): AdaptiveCard {
  const t = strings(locale);
  const r = reviewText(locale);
  const lines: Line[] = [];
  if (extra.notice) lines.push(line(extra.notice, 'Good'));
  if (extra.error) lines.push(line(extra.error, 'Attention'));
  lines.push(
    line(
      fmt(r.statementRequest.intro, {
        portfolio: md(model.portfolio?.name?.[locale] ?? ''),
        title: md(model.title),
        organisation: md(model.organisation),
        deadline: model.deadline,
      }),
    ),
  );
  if (model.required) lines.push(line(r.statementRequest.requiredNote, 'Warning'));
  if (extra.current) {
    lines.push(
      line(
        fmt(r.statementRequest.current, {
          recommendation:
            r.review.statementRec[
              extra.current.recommendation as keyof ReviewStrings['review']['statementRec']
            ] ?? '',
          text: md(clip(extra.current.text, 1000)),
        }),
      ),
    );
  }
  const draft = extra.draft ?? {};
  return renderTemplate('review-statement', {
    heading: fmt(r.statementRequest.title, { regNo: md(model.regNo) }),
    lines,
    facts: [
      {
        title: r.statementRequest.reuse,
        value: t.reuse[model.reuse as keyof Strings['reuse']] ?? md(model.reuse),
      },
      { title: r.statementRequest.reuseDetails, value: md(model.reuseDetails) },
      {
        title: r.statementRequest.security,
        value:
          t.securityClass[model.securityClass as keyof Strings['securityClass']] ??
          md(model.securityClass),
      },
    ].filter((x) => x.value !== ''),
    open: extra.open !== false,
    recommendationLabel: r.review.it.recommendationLabel,
    choices: STATEMENT_RECOMMENDATIONS.map((x) => ({ title: r.review.statementRec[x], value: x })),
    stValue: draft.st_recommendation ?? extra.current?.recommendation ?? '',
    textLabel: r.review.it.textLabel,
    stText: draft.st_text ?? extra.current?.text ?? '',
    submitTitle: r.review.actions.sendStatement,
    itemId: model.itemId,
  });
}
