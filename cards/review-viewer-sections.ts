import { ReviewSnapshot, ViewerState } from '../services/review/review-view';
import {
  CRITERIA,
  RECOMMENDATIONS,
  STATEMENT_RECOMMENDATIONS,
  VOTE_CHOICES,
} from '../services/review/review-types';
import { Locale } from '../services/shared/actor';
import { clip } from './render';
import { fmt } from './strings';
import { ReviewStrings } from './strings/review-strings';
import {
  day,
  inputValue,
  Line,
  line,
  MAX_MEMBER_CHOICES,
  num,
  quote,
  ReviewBudget,
} from './review-card-fit';
/** Each form input's maxLength, as in cards/templates/review-card.json. */
const INPUT_MAX = {
  nojav_motivation: 1000,
  jav_reason: 1000,
  comment: 2000,
  obj_reason: 1000,
  close_motivation: 2000,
  st_text: 3000,
} as const;

/** The view-model parts of the person's own view, all hidden (the shared card alone). */
export const hidden = {
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
    more: '',
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
    moreMembers: '',
    memberValue: '',
    reasonLabel: '',
    reasonValue: '',
    submitTitle: '',
  },
};

/**
 * One person's part of the review card: their declaration, vote and forms, and for the chair and
 * the IT function theirs. Quoted texts and lists are shortened to the budget; forms never are.
 */
export function viewerSections(
  snap: ReviewSnapshot,
  locale: Locale,
  r: ReviewStrings,
  v: ViewerState | undefined,
  refusal: string | undefined,
  b: ReviewBudget,
): typeof hidden {
  if (!v) {
    if (!refusal) return hidden;
    return {
      ...hidden,
      me: { show: true, title: r.review.me.title, lines: [line(refusal, 'Attention')] },
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
        ? fmt(r.review.me.flag.organisation, { org: quote(x.detail, b.name) })
        : r.review.me.flag[x.kind],
    )
    .join(', ');
  if (v.member) {
    if (v.conflict === 'declared') lines.push(line(r.review.me.conflicted, 'Warning'));
    else if (v.conflict === 'ruled') {
      lines.push(line(r.review.me.ruled, 'Warning'));
      if (v.conflictReason) lines.push(line(quote(v.conflictReason, b.text)));
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
          motivationValue: inputValue(draft.nojav_motivation, INPUT_MAX.nojav_motivation),
          reasonLabel: r.review.me.reasonLabel,
          reasonValue: inputValue(draft.jav_reason, INPUT_MAX.jav_reason),
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
          comment: inputValue(pick('comment', v.comment), INPUT_MAX.comment),
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
        members: v.members
          .slice(0, MAX_MEMBER_CHOICES)
          .map((m) => ({ title: clip(m.name, b.name), value: m.id })),
        moreMembers:
          v.members.length > MAX_MEMBER_CHOICES
            ? fmt(r.review.fit.moreMembers, { count: v.members.length - MAX_MEMBER_CHOICES })
            : '',
        memberValue: draft.obj_member ?? '',
        reasonLabel: r.review.objection.reasonLabel,
        reasonValue: inputValue(draft.obj_reason, INPUT_MAX.obj_reason),
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
        // The first few in full; the rest are counted and come up as these are ruled on.
        items: v.openObjections.slice(0, b.objections).map((o) => ({
          id: o.id,
          text: fmt(r.review.objection.open, {
            raisedBy: quote(o.raisedByName, b.name),
            member: quote(o.memberName, b.name),
            reason: quote(o.reason, b.text),
          }),
        })),
        more: moreObjections(v.openObjections.length - b.objections, r),
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
      motivation: inputValue(draft.close_motivation, INPUT_MAX.close_motivation),
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
      text: inputValue(
        draft.st_text ?? (snap.statement?.byId === v.aadObjectId ? snap.statement.text : ''),
        INPUT_MAX.st_text,
      ),
      submitTitle: r.review.actions.sendStatement,
    };
  }
  out.me = { show: true, title: r.review.me.title, lines };
  return out;
}

function moreObjections(count: number, r: ReviewStrings): string {
  if (count <= 0) return '';
  return count === 1 ? r.review.fit.moreObjectionsOne : fmt(r.review.fit.moreObjections, { count });
}
