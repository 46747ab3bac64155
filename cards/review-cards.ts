import { ApplicationDoc } from '../services/applications/application';
import { FieldDef, STEPS } from '../services/applications/wizard-steps';
import { byStrength, MAX_DUPLICATES } from '../services/review/duplicate-benefits';
import { ReviewSnapshot, ViewerState } from '../services/review/review-view';
import {
  CommentDoc,
  CompletenessCheckDoc,
  CRITERIA,
  RECOMMENDATIONS,
  STATEMENT_RECOMMENDATIONS,
  VOTE_CHOICES,
} from '../services/review/review-types';
import { Locale } from '../services/shared/actor';
import { formatSek } from '../services/shared/amount';
import { messageCard } from './application-cards';
import { duplicateWhy } from './duplicate-why';
import type { OutboxCardRenderer } from './outbox-cards';
import {
  AdaptiveCard,
  cardBytes,
  clip,
  escapeMarkdown,
  MAX_CARD_BYTES,
  renderTemplate,
} from './render';
import { fmt, strings, Strings } from './strings';
import { reviewText, ReviewStrings } from './strings/review-strings';
import { VERBS } from './verbs';

type Line = { text: string; color: string };
const line = (text: string, color = 'Default'): Line => ({ text, color });
const md = (v: unknown): string => (typeof v === 'string' ? escapeMarkdown(v) : '');
const day = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : '');
const num = (n: number, locale: Locale): string =>
  locale === 'sv' ? n.toFixed(1).replace('.', ',') : n.toFixed(1);

/** A step's field label in the user's language (cost-sharing rows are numbered). */
export function fieldLabel(t: Strings, id: string): string {
  const m = /^(shareOrg|sharePercent)(\d)$/.exec(id);
  if (m) return fmt(t.fields[m[1] as 'shareOrg' | 'sharePercent'], { n: m[2] });
  return (t.fields as Record<string, string>)[id] ?? id;
}

function stepNames(t: Strings, steps: readonly string[]): string {
  return steps.map((s) => t.steps[s as keyof Strings['steps']] ?? s).join(', ');
}

function portfolioLabel(
  p: { number: number; name: { sv: string; en: string } } | undefined,
  locale: Locale,
): string {
  // The dot is escaped: "1. …" at the start of a text would become a markdown list.
  return p ? `${p.number}\\. ${md(p.name[locale])}` : '';
}

/** Number formats are costly to create: one per language. */
const HOURS_FORMAT = { sv: new Intl.NumberFormat('sv-SE'), en: new Intl.NumberFormat('en-GB') };

function effectText(f: ReviewSnapshot['facts'], locale: Locale, r: ReviewStrings): string {
  const sek = f.yearlyEffectSek ? formatSek(f.yearlyEffectSek, locale) : '';
  const hours = f.yearlyEffectHours
    ? HOURS_FORMAT[locale].format(Math.round(f.yearlyEffectHours))
    : '';
  if (sek && hours) return fmt(r.review.effectBoth, { sek, hours });
  if (hours) return fmt(r.review.effectHours, { hours });
  return sek;
}

function refusalLines(r: ReviewStrings, text: string): Line[] {
  return [line(text, 'Attention')];
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
 * `refresh` so Teams shows each listed member their own view.
 */
export function reviewCard(
  snap: ReviewSnapshot,
  locale: Locale,
  opts: ReviewCardOptions = {},
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
    { title: r.review.facts.organisation, value: md(f.organisation) },
    { title: r.review.facts.applicant, value: md(f.applicantName) },
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

  // An application that came back after a request for completion says why.
  const completionLines = (f.completions ?? []).map((c) =>
    line(
      fmt(c.note ? r.review.completedAfterNote : r.review.completedAfter, {
        round: c.round,
        name: md(c.byName),
        date: day(c.at),
        steps: stepNames(t, c.steps),
        note: md(c.note ?? ''),
      }),
    ),
  );

  const benefitLines = [
    f.citizenBenefit ? { text: fmt(r.review.citizen, { text: md(f.citizenBenefit) }) } : null,
    f.internalBenefit ? { text: fmt(r.review.internal, { text: md(f.internalBenefit) }) } : null,
  ].filter((x): x is { text: string } => !!x);

  const statementLines: Line[] = snap.statement
    ? [
        line(
          fmt(r.review.statementBy, {
            recommendation: r.review.statementRec[snap.statement.recommendation],
            name: md(snap.statement.byName),
            date: day(snap.statement.at),
          }),
          snap.statement.recommendation === 'advise_against' ? 'Attention' : 'Good',
        ),
        line(md(snap.statement.text)),
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
    const name = `${md(d.regNo)} ${md(clip(d.title, 80))}`;
    const reasons = d.reasons
      .map((x) => fmt(r.review.reasons[x], { pct: Math.round(d.similarity * 100) }))
      .join(', ');
    return {
      appId: d.appId,
      text: fmt(r.review.duplicateLine, {
        link: d.link ? `[${name}](${d.link})` : `**${name}**`,
        organisation: md(d.organisation),
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
    for (const x of result.recused)
      resultNotes.push(
        line(
          fmt(x.how === 'ruled' ? r.review.ruledLine : r.review.recusedLine, { name: md(x.name) }),
        ),
      );
    if (result.absentNames.length > 0)
      resultNotes.push(
        line(fmt(r.review.absentLine, { names: result.absentNames.map(md).join(', ') })),
      );
    if (result.motivation)
      resultNotes.push(line(fmt(r.review.motivation, { text: md(result.motivation) })));
    resultNotes.push(
      line(fmt(r.review.closedBy, { name: md(result.closedByName), date: day(result.closedAt) })),
    );
  }

  const vm = {
    banner,
    bannerColor,
    heading: fmt(r.review.heading, { regNo: md(snap.regNo), title: md(clip(f.title, 150)) }),
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
    ...viewerSections(snap, locale, r, v, opts.refusal),
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
    ...(snap.refreshUserIds.length > 0 ? { userIds: snap.refreshUserIds } : {}),
  };
  return card;
}

const hidden = {
  me: { show: false, title: '', lines: [] as Line[] },
  declare: {
    show: false,
    showNone: false,
    showMotivation: false,
    showReason: false,
    motivationLabel: '',
    motivationValue: '',
    reasonLabel: '',
    reasonValue: '',
    noneTitle: '',
    conflictTitle: '',
  },
  voteForm: {
    show: false,
    voteLabel: '',
    voteValue: '',
    voteChoices: [] as { title: string; value: string }[],
    criteria: [] as { id: string; label: string; value: string }[],
    scoreChoices: [] as { title: string; value: string }[],
    scorePlaceholder: '',
    commentLabel: '',
    comment: '',
    submitTitle: '',
    recuseTitle: '',
  },
  chairObjections: {
    show: false,
    title: '',
    noteLabel: '',
    upholdTitle: '',
    dismissTitle: '',
    items: [] as { id: string; text: string }[],
  },
  closeForm: {
    show: false,
    title: '',
    lines: [] as Line[],
    recommendationLabel: '',
    choices: [] as { title: string; value: string }[],
    value: '',
    motivationLabel: '',
    motivation: '',
    submitTitle: '',
  },
  statementForm: {
    show: false,
    title: '',
    recommendationLabel: '',
    choices: [] as { title: string; value: string }[],
    value: '',
    textLabel: '',
    text: '',
    submitTitle: '',
  },
  objectionForm: {
    show: false,
    offer: false,
    offerTitle: '',
    title: '',
    memberLabel: '',
    members: [] as { title: string; value: string }[],
    memberValue: '',
    reasonLabel: '',
    reasonValue: '',
    submitTitle: '',
  },
};

function viewerSections(
  snap: ReviewSnapshot,
  locale: Locale,
  r: ReviewStrings,
  v: ViewerState | undefined,
  refusal: string | undefined,
): typeof hidden {
  if (!v) {
    if (!refusal) return hidden;
    return {
      ...hidden,
      me: { show: true, title: r.review.me.title, lines: refusalLines(r, refusal) },
    };
  }
  const open = snap.status === 'open';
  const draft = v.draft ?? {};
  const lines: Line[] = [];
  if (refusal) lines.push(line(refusal, 'Attention'));
  if (v.notice) lines.push(line(r.review.notices[v.notice], 'Good'));
  if (v.error) {
    const max =
      v.error === 'statement_text'
        ? 3000
        : v.error === 'comment_too_long' || v.error === 'close_motivation'
          ? 2000
          : 1000;
    lines.push(line(fmt(r.review.errors[v.error], { max }), 'Attention'));
  }
  const out = { ...hidden };
  const conflicted = v.conflict === 'declared' || v.conflict === 'ruled';
  const flagText = v.flags
    .map((x) =>
      x.kind === 'organisation'
        ? fmt(r.review.me.flag.organisation, { org: md(x.detail ?? '') })
        : r.review.me.flag[x.kind],
    )
    .join(', ');
  if (v.member) {
    if (v.conflict === 'declared') lines.push(line(r.review.me.conflicted, 'Warning'));
    else if (v.conflict === 'ruled') {
      lines.push(line(r.review.me.ruled, 'Warning'));
      if (v.conflictReason) lines.push(line(md(v.conflictReason)));
    } else if (!v.conflict) {
      if (open) {
        lines.push(
          v.flags.length > 0
            ? line(
                fmt(v.hardFlag ? r.review.me.hardFlagged : r.review.me.flagged, {
                  reasons: flagText,
                }),
                'Warning',
              )
            : line(r.review.me.declarePrompt),
        );
        out.declare = {
          show: true,
          showNone: !v.hardFlag,
          showMotivation: v.flags.length > 0 && !v.hardFlag,
          showReason: true,
          motivationLabel: r.review.me.motivationLabel,
          motivationValue: draft.nojav_motivation ?? '',
          reasonLabel: r.review.me.reasonLabel,
          reasonValue: draft.jav_reason ?? '',
          noneTitle: r.review.actions.noConflict,
          conflictTitle:
            v.flags.length > 0 ? r.review.actions.confirmConflict : r.review.actions.conflict,
        };
      }
    } else {
      lines.push(
        v.vote
          ? line(
              fmt(r.review.me.yourVote, {
                vote: r.review.me.voteChoices[v.vote],
                date: day(v.votedAt),
              }),
              'Good',
            )
          : line(r.review.me.noVoteYet),
      );
      if (open) lines.push(line(r.review.me.changeUntilClose));
      if (v.interim && v.interim.scoredBy > 0) {
        lines.push(line(fmt(r.review.me.interimTitle, { count: v.interim.scoredBy })));
        for (const c of CRITERIA) {
          const mean = v.interim.meanByCriterion[c];
          if (mean !== undefined) lines.push(line(`${r.review.criteria[c]}: ${num(mean, locale)}`));
        }
      }
      if (open) {
        const pick = (key: string, stored: string | undefined): string =>
          key in draft ? draft[key] : (stored ?? '');
        out.voteForm = {
          show: true,
          voteLabel: r.review.me.voteLabel,
          voteValue: pick('vote', v.vote),
          voteChoices: VOTE_CHOICES.map((c) => ({ title: r.review.me.voteChoices[c], value: c })),
          criteria: CRITERIA.map((c) => ({
            id: `s_${c}`,
            label: r.review.criteria[c],
            value: pick(`s_${c}`, v.scores?.[c] !== undefined ? String(v.scores[c]) : undefined),
          })),
          scoreChoices: r.review.me.scoreChoices.map((title, i) => ({
            title,
            value: String(i + 1),
          })),
          scorePlaceholder: '1–5',
          commentLabel: r.review.me.commentLabel,
          comment: pick('comment', v.comment),
          submitTitle: r.review.actions.vote,
          recuseTitle: r.review.actions.recuse,
        };
      }
    }
    if (open && !conflicted) {
      out.objectionForm = {
        show: v.objectionForm && v.members.length > 0,
        offer: !v.objectionForm,
        offerTitle: r.review.actions.object,
        title: r.review.objection.title,
        memberLabel: r.review.objection.memberLabel,
        members: v.members.map((m) => ({ title: m.name, value: m.id })),
        memberValue: draft.obj_member ?? '',
        reasonLabel: r.review.objection.reasonLabel,
        reasonValue: draft.obj_reason ?? '',
        submitTitle: r.review.actions.sendObjection,
      };
    }
  } else {
    lines.push(line(r.review.me.notMember));
  }
  if (v.chair && open) {
    if (v.openObjections.length > 0) {
      out.chairObjections = {
        show: true,
        title: r.review.chair.objectionsTitle,
        noteLabel: r.review.objection.rulingNote,
        upholdTitle: r.review.actions.uphold,
        dismissTitle: r.review.actions.dismiss,
        items: v.openObjections.map((o) => ({
          id: o.id,
          text: fmt(r.review.objection.open, {
            raisedBy: md(o.raisedByName),
            member: md(o.memberName),
            reason: md(o.reason),
          }),
        })),
      };
    }
    // "Väger lika" only when there are votes to weigh.
    const closeLines: Line[] = [
      line(r.review.chair.closeIntro),
      line(r.review.chair.majority[snap.tally.voted > 0 ? (v.majority ?? 'tie') : 'none']),
    ];
    if (v.closeBlockers.includes('quorum'))
      closeLines.push(line(r.review.chair.blockedQuorum, 'Warning'));
    if (v.closeBlockers.includes('statement'))
      closeLines.push(line(r.review.chair.blockedStatement, 'Warning'));
    out.closeForm = {
      show: true,
      title: r.review.chair.closeTitle,
      lines: closeLines,
      recommendationLabel: r.review.chair.recommendationLabel,
      choices: RECOMMENDATIONS.map((x) => ({ title: r.review.chair.choices[x], value: x })),
      value: draft.close_recommendation ?? (v.majority && v.majority !== 'tie' ? v.majority : ''),
      motivationLabel: r.review.chair.motivationLabel,
      motivation: draft.close_motivation ?? '',
      submitTitle: r.review.actions.close,
    };
  }
  if (v.it && open) {
    out.statementForm = {
      show: true,
      title: r.review.it.title,
      recommendationLabel: r.review.it.recommendationLabel,
      choices: STATEMENT_RECOMMENDATIONS.map((x) => ({
        title: r.review.statementRec[x],
        value: x,
      })),
      value: draft.st_recommendation ?? snap.statement?.recommendation ?? '',
      textLabel: r.review.it.textLabel,
      text: draft.st_text ?? (snap.statement?.byId === v.aadObjectId ? snap.statement.text : ''),
      submitTitle: r.review.actions.sendStatement,
    };
  }
  out.me = { show: true, title: r.review.me.title, lines };
  return out;
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
