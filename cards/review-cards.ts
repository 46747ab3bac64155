import { byStrength, MAX_DUPLICATES } from '../services/review/duplicate-benefits';
import { MAX_REFRESH_USERS, ReviewSnapshot, ViewerState } from '../services/review/review-view';
import { CRITERIA } from '../services/review/review-types';
import { Locale } from '../services/shared/actor';
import { formatSek } from '../services/shared/amount';
import { messageCard } from './application-cards';
import { duplicateWhy } from './duplicate-why';
import type { OutboxCardRenderer } from './outbox-card-renderer';
import {
  AdaptiveCard,
  cardUtf16Bytes as cardBytes,
  MAX_CARD_BYTES,
  renderTemplate,
} from './render';
import { stepNames } from './review-application-card';
import {
  day,
  Line,
  line,
  md,
  nameList,
  num,
  quote,
  REVIEW_BUDGETS,
  ReviewBudget,
} from './review-card-fit';
import { fmt, formatCount, strings, Strings } from './strings';
import { reviewText, ReviewStrings } from './strings/review-strings';
import { viewerSections } from './review-viewer-sections';
import { statementRequestCard, StatementRequestModel } from './statement-request-card';
import { VERBS } from './verbs';

// "Visa hela ansökan" and the IT function's statement request live in their own files.
export { fieldLabel, reviewApplicationCard } from './review-application-card';
export { statementRequestCard, type StatementRequestModel } from './statement-request-card';

function portfolioLabel(
  p: { number: number; name: { sv: string; en: string } } | undefined,
  locale: Locale,
): string {
  // The dot is escaped: "1. …" at the start of a text would become a markdown list.
  return p ? `${p.number}\\. ${md(p.name[locale])}` : '';
}

function effectText(f: ReviewSnapshot['facts'], locale: Locale, r: ReviewStrings): string {
  const sek = f.yearlyEffectSek ? formatSek(f.yearlyEffectSek, locale) : '';
  const hours = f.yearlyEffectHours ? formatCount(Math.round(f.yearlyEffectHours), locale) : '';
  if (sek && hours) return fmt(r.review.effectBoth, { sek, hours });
  if (hours) return fmt(r.review.effectHours, { hours });
  return sek;
}

/** What every member sees on the shared card, plus — for one person — their own part. */
export interface ReviewCardOptions {
  viewer?: ViewerState;
  /** A polite refusal shown on top of the shared card (e.g. to someone who is not a member). */
  refusal?: string;
}

/**
 * The review card: title, organisation, requested SEK, yearly running cost, benefit, KF goals,
 * statement, deadline, possible double counting and the live tally; after closing, the result.
 * With a viewer it is that person's view (their declaration, vote and forms); it always carries
 * `refresh` so Teams shows each listed member their own view. Whatever the data it stays within
 * Teams' limit: quoted texts and lists are shortened step by step (REVIEW_BUDGETS) until it fits,
 * and the forms and actions stay whole.
 */
export function reviewCard(
  snap: ReviewSnapshot,
  locale: Locale,
  opts: ReviewCardOptions = {},
): AdaptiveCard {
  let card: AdaptiveCard = {};
  for (const [i, budget] of REVIEW_BUDGETS.entries()) {
    card = buildReviewCard(snap, locale, opts, budget, i > 0);
    if (cardBytes(card) <= MAX_CARD_BYTES) return card;
  }
  return card;
}

function buildReviewCard(
  snap: ReviewSnapshot,
  locale: Locale,
  opts: ReviewCardOptions,
  b: ReviewBudget,
  shortened: boolean,
): AdaptiveCard {
  const t = strings(locale);
  const r = reviewText(locale);
  const f = snap.facts;
  const v = opts.viewer;
  const open = snap.status === 'open';

  let banner = '';
  let bannerColor = 'Default';
  if (snap.status === 'cancelled' || snap.withdrawn) {
    banner = r.review.bannerWithdrawn;
    bannerColor = 'Attention';
  } else if (snap.status === 'closed') {
    banner = r.review.bannerClosed;
    bannerColor = 'Good';
  } else if (snap.deadlinePassed) {
    banner = fmt(r.review.bannerDeadline, { date: snap.deadline });
    bannerColor = 'Warning';
  }

  const facts = [
    { title: r.review.facts.organisation, value: quote(f.organisation, b.name) },
    { title: r.review.facts.applicant, value: quote(f.applicantName, b.name) },
    { title: r.review.facts.portfolio, value: portfolioLabel(f.portfolio, locale) },
    { title: r.review.facts.part, value: t.parts[f.part as keyof Strings['parts']] ?? md(f.part) },
    { title: r.review.facts.devCost, value: formatSek(f.devCost, locale) },
    { title: r.review.facts.runningCost, value: formatSek(f.yearlyRunningCost, locale) },
    { title: r.review.facts.effect, value: effectText(f, locale, r) },
    {
      title: r.review.facts.kfGoals,
      value: f.kfGoals.map((g) => t.kfGoals[g as keyof Strings['kfGoals']] ?? md(g)).join('; '),
    },
    {
      title: r.review.facts.reuse,
      value: t.reuse[f.reuse as keyof Strings['reuse']] ?? md(f.reuse),
    },
    { title: r.review.facts.deadline, value: snap.deadline },
  ].filter((x) => x.value !== '');

  // An application that came back after a request for completion says why (the latest rounds).
  const completions = f.completions ?? [];
  const earlier = Math.max(0, completions.length - b.names);
  const completionLines = completions.slice(earlier).map((c) =>
    line(
      fmt(c.note ? r.review.completedAfterNote : r.review.completedAfter, {
        round: c.round,
        name: quote(c.byName, b.name),
        date: day(c.at),
        steps: stepNames(t, c.steps),
        note: quote(c.note, b.text),
      }),
    ),
  );
  if (earlier > 0)
    completionLines.unshift(
      line(
        earlier === 1
          ? r.review.fit.moreRoundsOne
          : fmt(r.review.fit.moreRounds, { count: earlier }),
      ),
    );

  const benefitLines = [
    f.citizenBenefit
      ? { text: fmt(r.review.citizen, { text: quote(f.citizenBenefit, b.text) }) }
      : null,
    f.internalBenefit
      ? { text: fmt(r.review.internal, { text: quote(f.internalBenefit, b.text) }) }
      : null,
  ].filter((x): x is { text: string } => !!x);

  const statementLines: Line[] = snap.statement
    ? [
        line(
          fmt(r.review.statementBy, {
            recommendation: r.review.statementRec[snap.statement.recommendation],
            name: quote(snap.statement.byName, b.name),
            date: day(snap.statement.at),
          }),
          snap.statement.recommendation === 'advise_against' ? 'Attention' : 'Good',
        ),
        line(quote(snap.statement.text, b.text)),
      ]
    : [
        line(
          snap.statementRequired ? r.review.statementMissingRequired : r.review.statementMissing,
          snap.statementRequired ? 'Warning' : 'Default',
        ),
      ];

  // The strongest overlaps first; the card lists a few and says how many weaker ones there are.
  const ranked = [...snap.duplicates].sort(byStrength);
  const moreDuplicates = snap.moreDuplicates + Math.max(0, ranked.length - MAX_DUPLICATES);
  const duplicates = ranked.slice(0, MAX_DUPLICATES).map((d) => {
    const name = `${md(d.regNo)} ${quote(d.title, Math.min(80, b.name))}`;
    const reasons = d.reasons
      .map((x) => fmt(r.review.reasons[x], { pct: Math.round(d.similarity * 100) }))
      .join(', ');
    return {
      appId: d.appId,
      text: fmt(r.review.duplicateLine, {
        link: d.link ? `[${name}](${d.link})` : `**${name}**`,
        organisation: quote(d.organisation, b.name),
        status: t.status[d.status as keyof Strings['status']] ?? md(d.status),
        reasons,
      }),
      why: duplicateWhy(d.overlap, locale),
    };
  });

  const tally = snap.tally;
  const result = snap.result;
  // A closed (or withdrawn) item takes no more votes: nothing "remains" and no quorum is missing.
  const tallyLines: Line[] = open
    ? [
        line(
          fmt(r.review.tally, {
            voted: tally.voted,
            eligible: tally.eligible,
            remaining: Math.max(0, tally.remaining),
            quorum: tally.quorum,
          }),
        ),
        tally.quorumReached
          ? line(r.review.quorumReached, 'Good')
          : line(
              tally.quorum - tally.voted === 1
                ? r.review.quorumMissingOne
                : fmt(r.review.quorumMissing, { missing: tally.quorum - tally.voted }),
              'Warning',
            ),
      ]
    : [
        line(
          fmt(r.review.tallyClosed, {
            voted: result
              ? result.votes.approve + result.votes.reject + result.votes.abstain
              : tally.voted,
            eligible: result ? result.eligible : tally.eligible,
          }),
        ),
      ];
  if (tally.conflicted > 0)
    tallyLines.push(line(fmt(r.review.conflicted, { count: tally.conflicted })));
  if (snap.discussionCount > 0)
    tallyLines.push(line(fmt(r.review.discussion, { count: snap.discussionCount })));
  if (open) tallyLines.push(line(r.review.me.finalOnly));

  const resultLines: Line[] = [];
  const resultFacts: { title: string; value: string }[] = [];
  const resultNotes: Line[] = [];
  if (result) {
    resultLines.push(
      line(
        fmt(r.review.resultLine, {
          recommendation: r.review.recommendation[result.recommendation],
          mean: num(result.meanScore, locale),
        }),
        result.recommendation === 'recommended' ? 'Good' : 'Attention',
      ),
      line(fmt(r.review.votesLine, result.votes)),
    );
    for (const c of CRITERIA) {
      const mean = result.meanByCriterion[c];
      const spread = result.spreadByCriterion[c];
      if (mean === undefined || !spread) continue;
      resultFacts.push({
        title: r.review.criteria[c],
        value: fmt(r.review.criterionValue, {
          mean: num(mean, locale),
          min: spread.min,
          max: spread.max,
        }),
      });
    }
    if (result.divergentCriteria.length > 0) {
      resultNotes.push(
        line(
          fmt(r.review.divergent, {
            criteria: result.divergentCriteria.map((c) => r.review.criteria[c]).join(', '),
          }),
          'Warning',
        ),
      );
    }
    for (const x of result.recused.slice(0, b.names))
      resultNotes.push(
        line(
          fmt(x.how === 'ruled' ? r.review.ruledLine : r.review.recusedLine, {
            name: quote(x.name, b.name),
          }),
        ),
      );
    if (result.recused.length > b.names)
      resultNotes.push(
        line(fmt(r.review.fit.moreRecused, { count: result.recused.length - b.names })),
      );
    if (result.absentNames.length > 0)
      resultNotes.push(
        line(fmt(r.review.absentLine, { names: nameList(result.absentNames, b, r) })),
      );
    if (result.motivation)
      resultNotes.push(line(fmt(r.review.motivation, { text: quote(result.motivation, b.text) })));
    resultNotes.push(
      line(
        fmt(r.review.closedBy, {
          name: quote(result.closedByName, b.name),
          date: day(result.closedAt),
        }),
      ),
    );
  }

  const vm = {
    banner,
    bannerColor,
    heading: fmt(r.review.heading, {
      regNo: md(snap.regNo),
      title: quote(f.title, Math.min(150, b.text)),
    }),
    // Said when a card too large for Teams had its quoted texts and lists shortened.
    clipped: shortened ? r.application.clipped : '',
    facts,
    completionTitle: completionLines.length > 0 ? r.review.completionTitle : '',
    completionLines,
    benefitTitle: r.review.benefitTitle,
    benefitLines,
    statementTitle: r.review.statementTitle,
    statementLines,
    duplicatesTitle: r.review.duplicatesTitle,
    duplicatesIntro: r.review.duplicatesIntro,
    duplicates,
    duplicatesMore:
      moreDuplicates > 0 ? fmt(r.review.duplicatesMore, { count: moreDuplicates }) : '',
    tallyTitle: r.review.tallyTitle,
    tallyLines,
    resultTitle: result ? r.review.resultTitle : '',
    resultLines,
    resultFacts,
    resultNotes,
    itemId: snap.itemId,
    appId: snap.appId,
    ...viewerSections(snap, locale, r, v, opts.refusal, b),
    // A closed card offers no voting: only the application itself.
    actions: [
      ...(!open
        ? []
        : v
          ? [{ title: r.review.actions.refresh, verb: VERBS.reviewRefresh, style: 'default' }]
          : [{ title: r.review.actions.assess, verb: VERBS.reviewRefresh, style: 'positive' }]),
      { title: r.review.actions.viewApplication, verb: VERBS.reviewApplication, style: 'default' },
    ],
  };
  const card = renderTemplate('review-card', vm);
  card.refresh = {
    action: {
      type: 'Action.Execute',
      title: r.review.actions.refresh,
      verb: VERBS.reviewRefresh,
      data: { itemId: snap.itemId },
    },
    // Teams refreshes automatically for at most 60 listed users; with more, each refreshes by hand.
    ...(snap.refreshUserIds.length > 0 && snap.refreshUserIds.length <= MAX_REFRESH_USERS
      ? { userIds: snap.refreshUserIds }
      : {}),
  };
  return card;
}

/** A refusal on review cards, in the user's language (nothing was changed). */
export function reviewRefusalCard(
  locale: Locale,
  reason: string,
  params: Record<string, string | number> = {},
): AdaptiveCard {
  const r = reviewText(locale);
  const text = (r.refusals as Record<string, string>)[reason] ?? r.refusals.error;
  return messageCard({
    title: strings(locale).appName,
    lines: [{ text: fmt(text, params), color: 'Attention' }],
  });
}

/** Review cards sent through the outbox, rendered at send time in the recipient's language. */
export const reviewOutboxCards: Record<string, OutboxCardRenderer> = {
  'review-card': (model, locale) => reviewCard(model as unknown as ReviewSnapshot, locale),
  'review-statement-request': (model, locale) =>
    statementRequestCard(model as unknown as StatementRequestModel, locale),
  'review-unbound': (model, locale) => {
    const r = reviewText(locale);
    const p = model.portfolio as { number: number; name: { sv: string; en: string } } | undefined;
    const number = p?.number ?? '';
    return messageCard({
      title: fmt(r.unbound.title, { number }),
      lines: [
        {
          text: fmt(r.unbound.text, {
            regNo: md(model.regNo),
            title: md(model.title),
            portfolio: md(p?.name?.[locale] ?? ''),
            number,
          }),
          color: 'Warning',
        },
      ],
    });
  },
};
