import { TurnContext } from 'botbuilder';
import { refusalCard } from '../../cards/common-cards';
import {
  noReportDueCard,
  reportFormCard,
  reportThanksCard,
  surveyCard,
} from '../../cards/followup-cards';
import { AdaptiveCard } from '../../cards/render';
import { optOutChangedCard, snoozedCard } from '../../cards/reminder-cards';
import { fmt } from '../../cards/strings';
import { fs } from '../../cards/strings/followup-strings';
import { owedReports, reportContext, submitReport } from '../../services/followup/reports';
import { answerSurvey, parseSurveyId } from '../../services/followup/survey';
import {
  setReminderOptOut,
  snoozeReminders,
  SnoozeUntil,
} from '../../services/reminders/reminder-prefs';
import { Actor } from '../../services/shared/actor';
import { DomainError } from '../../services/shared/domain-error';
import { BotDeps, VerbHandler, VerbRequest } from '../handler-types';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Follow-up refusals in plain words (not your project, not due yet, …); anything else goes to the bot. */
export function followupRefusal(err: unknown, actor: Actor): AdaptiveCard {
  const t = fs(actor.locale).refusals;
  if (err instanceof DomainError) {
    if (err.code === 'forbidden') return refusalCard(actor.locale, t.notYourProject);
    if (err.code === 'invalid_state') return refusalCard(actor.locale, t.reportNotDue);
    if (err.code === 'not_found') return refusalCard(actor.locale, t.unknownReport);
  }
  throw err;
}

/** The card for the earliest report a person owes now, or "nothing due" with what comes next. */
export async function dueReportCard(deps: BotDeps, actor: Actor): Promise<AdaptiveCard> {
  const s = deps.services;
  const owed = await owedReports(s, actor.aadObjectId, s.clock());
  const first = owed.due[0];
  if (!first) return noReportDueCard(actor.locale, owed);
  return reportFormCard(
    actor.locale,
    await reportContext(s, actor, first.project._id, first.due.period),
  );
}

/** `followup.report.open`: the report form for a period (from a digest), or the next one due. */
export const followupReportOpen: VerbHandler = async (
  _context: TurnContext,
  { deps, actor, data }: VerbRequest,
) => {
  try {
    const projectId = text(data.projectId);
    const period = text(data.period);
    if (!projectId || !period) return await dueReportCard(deps, actor);
    return reportFormCard(
      actor.locale,
      await reportContext(deps.services, actor, projectId, period),
    );
  } catch (err) {
    return followupRefusal(err, actor);
  }
};

/** `followup.report.submit`: stores the report, or shows the form again with what to fix. */
export const followupReportSubmit: VerbHandler = async (
  _context,
  { deps, actor, data, activityId },
) => {
  const s = deps.services;
  const projectId = text(data.projectId);
  const period = text(data.period);
  try {
    const result = await submitReport(s, actor, projectId, period, data, activityId);
    if (!result.ok) {
      return reportFormCard(actor.locale, await reportContext(s, actor, projectId, period), {
        values: result.values,
        errors: result.errors,
      });
    }
    const project = await s.followup.projects.get(projectId);
    const owed = await owedReports(s, actor.aadObjectId, s.clock());
    return reportThanksCard(actor.locale, project!, result.report, result.updated, owed.due.length);
  } catch (err) {
    return followupRefusal(err, actor);
  }
};

/** `followup.survey.answer`: a review-group member's answers to the yearly survey. */
export const followupSurveyAnswer: VerbHandler = async (
  _context,
  { deps, actor, data, activityId },
) => {
  const surveyId = text(data.surveyId);
  const parsed = parseSurveyId(surveyId);
  try {
    const result = await answerSurvey(deps.services, actor, surveyId, data, activityId);
    const portfolios = (await deps.services.portfolios.all())
      .filter((p) => p.reviewChannelId === parsed?.channelId)
      .map((p) => ({ number: p.number, sv: p.name.sv, en: p.name.en }));
    if (result.ok) {
      const notice = fmt(fs(actor.locale).survey.thanksBody, {
        year: result.year,
        count: result.count,
      });
      return surveyCard({ surveyId, year: result.year, portfolios }, actor.locale, { notice });
    }
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(data)) if (typeof v === 'string') values[k] = v;
    return surveyCard({ surveyId, year: parsed?.year ?? '', portfolios }, actor.locale, {
      values,
      missing: result.missing,
    });
  } catch (err) {
    if (err instanceof DomainError && err.code === 'forbidden')
      return refusalCard(actor.locale, fs(actor.locale).survey.notMember);
    if (err instanceof DomainError)
      return refusalCard(actor.locale, fs(actor.locale).refusals.gone);
    throw err;
  }
};

/** `reminders.snooze`: "påminn mig nästa arbetsdag / på måndag" on a digest. */
export const remindersSnooze: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  const until: SnoozeUntil = data.until === 'monday' ? 'monday' : 'nextWorkingDay';
  try {
    const end = await snoozeReminders(deps.services, actor, text(data.digestId), until, activityId);
    return snoozedCard(actor.locale, end);
  } catch (err) {
    if (err instanceof DomainError)
      return refusalCard(actor.locale, fs(actor.locale).prefs.notYours);
    throw err;
  }
};

/** `reminders.optOut`: no more non-mandatory nudges. */
export const remindersOptOut: VerbHandler = async (_context, { deps, actor, activityId }) => {
  await setReminderOptOut(deps.services, actor, true, activityId);
  return optOutChangedCard(actor.locale, true);
};

/** `reminders.optIn`: nudges on again. */
export const remindersOptIn: VerbHandler = async (_context, { deps, actor, activityId }) => {
  await setReminderOptOut(deps.services, actor, false, activityId);
  return optOutChangedCard(actor.locale, false);
};
