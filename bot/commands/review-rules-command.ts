import { messageCard } from '../../cards/application-cards';
import { escapeMarkdown } from '../../cards/render';
import { reviewRefusalCard } from '../../cards/review-cards';
import { fmt } from '../../cards/strings';
import { reviewText } from '../../cards/strings/review-strings';
import { parsePortfolioArgs } from '../../services/channels/bind-review-channel';
import { reviewRules, RulesChange, setReviewRules } from '../../services/review/review-rules';
import { DomainError } from '../../services/shared/domain-error';
import { normalizeCommand } from '../../services/shared/text';
import { CommandHandler } from '../handler-types';
import { sendCard } from '../send';
import { rulesCardFor } from '../verbs/review-settings-verbs';

const QUORUM = new Set(['beslutforhet', 'kvorum', 'quorum', 'beslutsforhet']);
const DAYS = new Set(['dagar', 'days', 'arbetsdagar']);
const STATEMENT = new Set(['yttrande', 'statement', 'utlatande']);
const YES = new Set(['ja', 'yes', 'on', 'kravs', 'required', 'true']);
const NO = new Set(['nej', 'no', 'off', 'false']);

/** Reads "1 beslutförhet 4 dagar 15 yttrande ja": portfolio words, then settings with their values. */
export function parseRulesArgs(args: string): {
  portfolioWords: string[];
  change: RulesChange;
  bad: string[];
} {
  const words = normalizeCommand(args)
    .split(/[\s,;]+/)
    .filter((w) => w.length > 0);
  const change: RulesChange = {};
  const bad: string[] = [];
  const portfolioWords: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const next = words[i + 1];
    if (QUORUM.has(w) || DAYS.has(w)) {
      const n = next !== undefined && /^\d+$/.test(next) ? Number(next) : NaN;
      if (Number.isNaN(n)) bad.push(w);
      else if (QUORUM.has(w)) change.quorum = n;
      else change.reviewDays = n;
      if (next !== undefined) i++;
    } else if (STATEMENT.has(w)) {
      if (next !== undefined && YES.has(next)) change.statementRequired = true;
      else if (next !== undefined && NO.has(next)) change.statementRequired = false;
      else bad.push(w);
      if (next !== undefined) i++;
    } else portfolioWords.push(w);
  }
  return { portfolioWords, change, bad };
}

/**
 * `beredningsregler` / `review rules`: quorum, review days and whether the IT statement is required,
 * per portfolio. Anyone may read them; admins change them (`beredningsregler 1 beslutförhet 4`), on a card without words.
 */
export const reviewRulesCommand: CommandHandler = async (
  context,
  { deps, actor, args, activityId },
) => {
  const s = deps.services;
  const r = reviewText(actor.locale);
  // Without words: the rules card (a form for admins).
  if (!args.trim()) {
    await sendCard(context, await rulesCardFor(s, actor));
    return;
  }
  const portfolios = await s.portfolios.all();
  const lines: { text: string; color?: string }[] = [];
  if (args.trim()) {
    const parsed = parseRulesArgs(args);
    const target = parsePortfolioArgs(parsed.portfolioWords.join(' '), portfolios);
    const nothing = Object.keys(parsed.change).length === 0;
    if (parsed.bad.length > 0 || target.kind !== 'ok' || nothing) {
      const words = [...parsed.bad, ...(target.kind === 'unknown' ? target.words : [])];
      if (words.length > 0)
        lines.push({
          text: fmt(r.rules.bad, { words: escapeMarkdown(words.join(', ')) }),
          color: 'Attention',
        });
      lines.push({ text: r.rules.usage });
    } else {
      try {
        await setReviewRules(s, actor, target.ids, parsed.change, activityId);
        lines.push({ text: r.rules.changed, color: 'Good' });
      } catch (err) {
        if (err instanceof DomainError && typeof err.params.reason === 'string') {
          await sendCard(context, reviewRefusalCard(actor.locale, err.params.reason, err.params));
          return;
        }
        throw err;
      }
    }
  }
  for (const p of await s.portfolios.all()) {
    const rules = await reviewRules(s, p._id);
    lines.push({
      text: fmt(r.rules.line, {
        number: p.number,
        name: escapeMarkdown(p.name[actor.locale]),
        quorum: rules.quorum,
        days: rules.reviewDays,
        statement: rules.statementRequired ? r.rules.required : r.rules.notRequired,
      }),
    });
  }
  if (!args.trim()) lines.push({ text: r.rules.usage });
  await sendCard(context, messageCard({ title: r.rules.title, lines }));
};
