import {
  allocationRefusalCard,
  ownerAnsweredCard,
  ownerPickCard,
  type OwnerPickModel,
  ownerRequestCard,
  type OwnerRequestModel,
} from '../../cards/allocation-cards';
import { messageCard } from '../../cards/application-cards';
import { fmt } from '../../cards/strings';
import { allocationText } from '../../cards/strings/allocation-strings';
import {
  answerOwnerRequest,
  ownerPickModel,
  pickOwner,
} from '../../services/allocation/owner-requests';
import { DomainError } from '../../services/shared/domain-error';
import { VerbHandler } from '../handler-types';
import { escapeMarkdown } from '../../cards/render';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The owner's answer: accepted or not; a refusal that needs a fix shows the question again. */
function answer(accept: boolean): VerbHandler {
  return async (_context, { deps, actor, data, activityId }) => {
    const s = deps.services;
    try {
      const result = await answerOwnerRequest(
        s,
        actor,
        data.appId,
        data.seq,
        accept,
        data.owner_comment,
        activityId,
      );
      return ownerAnsweredCard(
        actor.locale,
        result.app.regNo ?? '',
        accept,
        result.doc.comment ?? '',
      );
    } catch (err) {
      if (!(err instanceof DomainError) || typeof err.params.reason !== 'string') throw err;
      const reason = err.params.reason;
      if (reason === 'decline_needs_comment' || reason === 'comment_too_long') {
        const app = await s.applications.get(text(data.appId));
        const doc = app ? await s.allocation.owners.get(app._id) : null;
        if (app?.data && doc) {
          const model: OwnerRequestModel = {
            appId: app._id,
            seq: doc.seq,
            regNo: app.regNo ?? '',
            title: app.data.title,
            organisation: app.data.organisation,
            applicantName: app.ownerName,
            ownerName: app.data.ownerName,
            ownerOrganisation: app.data.ownerOrganisation,
            yearlyRunningCost: app.data.yearlyRunningCost,
            costSharing: app.data.costSharing,
            startDate: app.data.startDate,
            endDate: app.data.endDate,
          };
          const t = allocationText(actor.locale).refusals;
          return ownerRequestCard(model, actor.locale, {
            error: fmt(t[reason], err.params),
            comment: text(data.owner_comment),
          });
        }
      }
      return allocationRefusalCard(actor.locale, reason, err.params);
    }
  };
}

/** `owner.accept`: "Jag accepterar ägarskap och driftkostnad". */
export const ownerAccept: VerbHandler = answer(true);

/** `owner.decline`: "Jag accepterar inte" (with a comment). */
export const ownerDecline: VerbHandler = answer(false);

/** `owner.pickForm`: the owner picker for an application (project office or the applicant). */
export const ownerPickForm: VerbHandler = async (_context, { deps, actor, data }) => {
  const s = deps.services;
  const appId = text(data.appId);
  const app = appId && appId.length <= 100 ? await s.applications.get(appId) : null;
  if (!app || !app.data || !app.regNo) return allocationRefusalCard(actor.locale, 'app_not_found');
  const isAdmin = await s.users.hasRole(actor.aadObjectId, 'admin');
  if (!isAdmin && app.ownerId.toLowerCase() !== actor.aadObjectId)
    return allocationRefusalCard(actor.locale, 'pick_owner_forbidden');
  return ownerPickCard((await ownerPickModel(s, app)) as unknown as OwnerPickModel, actor.locale);
};

/** `owner.pick`: names the owner (a known person, or by e-mail) and asks them. */
export const ownerPick: VerbHandler = async (_context, { deps, actor, data, activityId }) => {
  const s = deps.services;
  const email = text(data.owner_email).trim();
  const person = email || text(data.owner_person);
  try {
    const doc = await pickOwner(s, actor, data.appId, person, activityId);
    const t = allocationText(actor.locale).owner;
    return messageCard({
      title: t.answerTitle,
      lines: [
        {
          text: fmt(t.picked, {
            name: escapeMarkdown(doc.ownerUserName ?? ''),
            regNo: escapeMarkdown(doc.regNo),
          }),
          color: 'Good',
        },
      ],
    });
  } catch (err) {
    if (!(err instanceof DomainError) || typeof err.params.reason !== 'string') throw err;
    const app = await s.applications.get(text(data.appId).slice(0, 100));
    if (
      app?.data &&
      (err.params.reason === 'owner_person_missing' || err.params.reason === 'owner_person_unknown')
    ) {
      const t = allocationText(actor.locale).refusals;
      return ownerPickCard(
        (await ownerPickModel(s, app)) as unknown as OwnerPickModel,
        actor.locale,
        {
          error: t[err.params.reason],
          person: text(data.owner_person),
          email,
        },
      );
    }
    return allocationRefusalCard(actor.locale, err.params.reason, err.params);
  }
};
