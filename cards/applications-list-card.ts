import { ApplicationDoc } from '../services/applications/application';
import { STEP_COUNT } from '../services/applications/wizard-steps';
import { Locale } from '../services/shared/actor';
import { PageWindow, pageWindow } from '../services/shared/paging';
import { AdaptiveCard, clip, escapeMarkdown, renderTemplate } from './render';
import { statusBadge } from './status-badge';
import { fmt, strings } from './strings';
import { applicationText } from './strings/application-strings';
import { coachStrings } from './strings/coach-strings';
import { pagingText } from './strings/paging-strings';
import { VERBS } from './verbs';
import { stockholmDay } from '../services/shared/dates';

/** The buttons of one application in the list: what its status allows. */
function itemActions(
  app: ApplicationDoc,
  locale: Locale,
): { title: string; verb: string; appId: string }[] {
  const t = strings(locale);
  const actions: { title: string; verb: string; appId: string }[] = [];
  if (app.status === 'draft' || app.status === 'completion_requested') {
    actions.push({ title: t.actions.continue, verb: VERBS.applicationContinue, appId: app._id });
  } else {
    actions.push({ title: t.actions.view, verb: VERBS.applicationView, appId: app._id });
  }
  if (app.status !== 'withdrawn')
    actions.push({
      title: coachStrings[locale].askCoach,
      verb: VERBS.coachAskForm,
      appId: app._id,
    });
  if (app.status === 'draft' && !app.regNo) {
    // A draft was never sent: it is deleted, not withdrawn.
    actions.push({
      title: applicationText(locale).deleteDraft,
      verb: VERBS.applicationDeleteDraft,
      appId: app._id,
    });
  } else if (app.status !== 'withdrawn' && app.status !== 'approved' && app.status !== 'rejected') {
    actions.push({ title: t.actions.withdraw, verb: VERBS.applicationWithdraw, appId: app._id });
  }
  return actions;
}

/**
 * `mina ansökningar`: one page of drafts and submitted applications with status and actions,
 * "Visar 11–20 av 134" and Föregående / Nästa. Without a window, `apps` is the whole list.
 */
export function applicationsListCard(
  apps: ApplicationDoc[],
  locale: Locale,
  window: PageWindow = pageWindow(apps.length, 1, Math.max(1, apps.length)),
): AdaptiveCard {
  const t = strings(locale);
  const p = pagingText(locale);
  const items = apps.map((app) => {
    const title = escapeMarkdown(
      clip((app.data?.title ?? app.inputs.title ?? '').trim() || t.list.untitled, 120),
    );
    const parts = [statusBadge(app.status, locale)];
    if (app.regNo) parts.unshift(escapeMarkdown(clip(app.regNo, 40)));
    if (app.status === 'draft')
      parts.push(
        fmt(t.list.stepInfo, { n: Math.min(app.step + 1, STEP_COUNT), total: STEP_COUNT }),
      );
    parts.push(fmt(t.list.updated, { date: stockholmDay(app.updatedAt) }));
    return { title, meta: parts.join(' · '), actions: itemActions(app, locale) };
  });
  const pager: { title: string; verb: string; page: string }[] = [];
  if (window.hasPrevious)
    pager.push({ title: p.previous, verb: VERBS.applicationsPage, page: String(window.page - 1) });
  if (window.hasNext)
    pager.push({ title: p.next, verb: VERBS.applicationsPage, page: String(window.page + 1) });
  return renderTemplate('applications-list', {
    heading: t.list.title,
    showing:
      window.total > 0
        ? fmt(p.showing, { from: window.from, to: window.to, total: window.total })
        : '',
    empty: window.total === 0 ? t.list.empty : '',
    items,
    pager,
    newLabel: t.actions.newApplication,
  });
}
