import {
  privacyCancelledCard,
  privacyConfirmCard,
  privacyDoneCard,
  privacyExportCard,
  privacyOverviewCard,
  privacyUsageCard,
} from '../../cards/privacy-cards';
import { AdaptiveCard } from '../../cards/render';
import { insightText } from '../../cards/strings/insight-strings';
import { EXPORT_LINK_TTL_SECONDS, signedUrl } from '../../services/decisions/signed-links';
import { requireAdmin } from '../../services/insight/insight-access';
import { erasePerson, planCounts, prepareErasure } from '../../services/privacy/erase-person';
import { personDataOverview, requestPersonExport } from '../../services/privacy/export-person';
import type { Actor } from '../../services/shared/actor';
import { DomainError } from '../../services/shared/domain-error';
import { BotDeps, VerbHandler } from '../handler-types';
import { insightRefusal } from './dashboard-verbs';

const subjectOf = (data: Record<string, unknown>): string =>
  typeof data.subject === 'string' ? data.subject : '';

/** `personuppgifter <id|e-post>`: what is stored about the person, with export and erase (admins only). */
export async function privacyCardFor(
  deps: BotDeps,
  actor: Actor,
  query: string,
): Promise<AdaptiveCard> {
  try {
    if (query.trim() === '') {
      await requireAdmin(deps.services, actor, 'privacy');
      return privacyUsageCard(actor.locale);
    }
    const { subject, found } = await personDataOverview(deps.services, actor, query);
    return privacyOverviewCard(actor.locale, subject, found);
  } catch (err) {
    if (err instanceof DomainError && err.params.reason === 'subject')
      return privacyUsageCard(actor.locale, insightText(actor.locale).refusals.subject);
    return insightRefusal(err, actor);
  }
}

/** `privacy.export`: records the request and hands out a short-lived signed link to the JSON file. */
export const privacyExport: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  try {
    const s = deps.services;
    const issued = await requestPersonExport(s, actor, subjectOf(data), activityId);
    if (!issued.path) return privacyOverviewCard(actor.locale, issued.subject, issued.found);
    const now = s.clock();
    const url = signedUrl(
      deps.config.publicBaseUrl,
      issued.path,
      deps.config.exportSigningSecret,
      now,
    );
    return privacyExportCard(
      actor.locale,
      issued.subject,
      url,
      new Date(now.getTime() + EXPORT_LINK_TTL_SECONDS * 1000),
    );
  } catch (err) {
    return insightRefusal(err, actor);
  }
};

/** `privacy.eraseAsk`: what an erasure would remove and keep, with a confirmation button. */
export const privacyEraseAsk: VerbHandler = async (_context, { deps, actor, data }) => {
  try {
    const plan = await prepareErasure(deps.services, actor, subjectOf(data));
    return privacyConfirmCard(actor.locale, plan, planCounts(plan));
  } catch (err) {
    return insightRefusal(err, actor);
  }
};

/** `privacy.eraseConfirm`: erases (admins only; the plan is computed again from the current state). */
export const privacyEraseConfirm: VerbHandler = async (
  _context,
  { deps, actor, data, activityId },
) => {
  try {
    const { counts } = await erasePerson(deps.services, actor, subjectOf(data), activityId);
    return privacyDoneCard(actor.locale, counts);
  } catch (err) {
    return insightRefusal(err, actor);
  }
};

/** `privacy.cancel`: nothing is erased. */
export const privacyCancel: VerbHandler = async (_context, { actor }) =>
  privacyCancelledCard(actor.locale);
