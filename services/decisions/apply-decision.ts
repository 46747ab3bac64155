import type { ApplicationStatus } from '../applications/application';
import type { FrameLedgerDoc } from '../allocation/frame-ledger';
import { createProjectFromDecision } from '../followup/create-project';
import { withCardActivity } from '../review/card-updates';
import type { Services } from '../services';
import { DomainError } from '../shared/domain-error';
import { isDuplicateKey } from '../store/store';
import type { DecisionDoc } from './decision';

/** Outbox template of a decision notice (cards/decision-cards.ts renders it). */
export const DECISION_NOTICE_TEMPLATE = 'decision-notice';

/** Statuses a decision may move an application from (a correction moves approved ↔ rejected). */
const DECIDABLE: ApplicationStatus[] = ['recommended', 'not_recommended', 'approved', 'rejected'];

/** The view model of a decision notice: the record's public facts. */
export function noticeModel(d: DecisionDoc): Record<string, unknown> {
  return {
    decisionId: d._id,
    regNo: d.regNo,
    title: d.title,
    organisation: d.organisation,
    portfolioName: d.portfolioName,
    year: d.year,
    part: d.part,
    outcome: d.outcome,
    amount: d.amount,
    requestedAmount: d.requestedAmount,
    reasonText: d.reasonText,
    decidedByName: d.decidedBy.name,
    delegation: d.delegation,
    recusedNames: d.recusedNames,
    decisionDate: d.decisionDate,
    correction: d.kind === 'correction',
  };
}

/**
 * Carries out a decision the ledger has committed: records it, moves the application to
 * approved / rejected, posts it in the application's thread in the review channel and to the
 * applicant, and turns an approved application into a project with a follow-up plan. Every
 * step is idempotent, so running it again after a crash (or twice at once) changes nothing more.
 */
export async function applyDecision(
  s: Services,
  record: DecisionDoc,
  activityId?: string,
): Promise<void> {
  const now = s.clock();
  const inserted = await s.allocation.decisions.insert(record);
  if (inserted) {
    try {
      await s.audit.append({
        _id: `audit-${record._id}`,
        at: record.decidedAt,
        actorId: record.decidedBy.aadObjectId,
        actorName: record.decidedBy.name,
        action: record.kind === 'correction' ? 'decision.corrected' : 'decision.recorded',
        entityType: 'application',
        entityId: record.applicationId,
        before: record.supersedes ? { supersedes: record.supersedes } : null,
        after: {
          decisionId: record._id,
          outcome: record.outcome,
          amount: record.amount,
          part: record.part,
          year: record.year,
          delegation: record.delegation,
        },
        activityId,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  const app = await s.applications.get(record.applicationId);
  if (app && app.status !== record.outcome && DECIDABLE.includes(app.status)) {
    const updated = await s.applications.update(
      { _id: app._id, status: app.status },
      { $set: { status: record.outcome, updatedAt: now.toISOString() } },
    );
    if (updated) {
      await s.audit.append({
        at: now.toISOString(),
        actorId: record.decidedBy.aadObjectId,
        actorName: record.decidedBy.name,
        action: `application.${record.outcome}`,
        entityType: 'application',
        entityId: app._id,
        before: { status: app.status },
        after: { status: record.outcome, decisionId: record._id },
        activityId,
      });
    }
  }

  // The application's thread in the review channel (the review card is its root).
  const item = await s.review.item(record.applicationId);
  const posted = item ? await withCardActivity(s, item) : null;
  const portfolio = await s.portfolios.get(record.portfolioId);
  const channelId = posted?.channelId ?? portfolio?.reviewChannelId;
  const payload = { card: { template: DECISION_NOTICE_TEMPLATE, model: noticeModel(record) } };
  if (channelId) {
    await s.outbox.enqueue(
      `decision-thread:${record._id}`,
      {
        kind: 'channel',
        channelId,
        ...(posted?.teamId ? { teamId: posted.teamId } : {}),
        ...(posted?.channelId && posted.cardActivityId ? { threadId: posted.cardActivityId } : {}),
      },
      payload,
      now,
    );
  }
  if (app)
    await s.outbox.enqueue(
      `decision-applicant:${record._id}`,
      { kind: 'user', aadObjectId: app.ownerId },
      payload,
      now,
    );

  if (record.outcome === 'approved' && app) {
    const existing = await s.followup.projects.byApplication(app._id);
    if (!existing) {
      try {
        await createProjectFromDecision(s, {
          applicationId: app._id,
          grantedSek: record.amount,
          decisionDate: record.decisionDate,
          decisionId: record._id,
          decidedBy: { aadObjectId: record.decidedBy.aadObjectId, name: record.decidedBy.name },
          reviewChannelId: posted?.channelId ?? portfolio?.reviewChannelId,
          threadId: posted?.cardActivityId,
          activityId,
        });
      } catch (err) {
        // The decision stands; a project the follow-up area refuses (e.g. withdrawn meanwhile) is logged.
        if (!(err instanceof DomainError)) throw err;
        s.log.warn(
          { err: err.message, applicationId: app._id, decisionId: record._id },
          'decision: no project created',
        );
      }
    } else if (existing.grantedSek !== record.amount) {
      // A correction changed the amount: the project follows the decision in force.
      const moved = await s.followup.projects.col.findOneAndUpdate(
        { _id: existing._id, grantedSek: existing.grantedSek },
        {
          $set: { grantedSek: record.amount, decisionId: record._id, updatedAt: now.toISOString() },
          $inc: { version: 1 },
        },
      );
      if (moved) {
        await s.audit.append({
          at: now.toISOString(),
          actorId: record.decidedBy.aadObjectId,
          actorName: record.decidedBy.name,
          action: 'project.grant_corrected',
          entityType: 'project',
          entityId: existing._id,
          before: { grantedSek: existing.grantedSek, decisionId: existing.decisionId },
          after: { grantedSek: record.amount, decisionId: record._id },
          activityId,
        });
      }
    }
  }
}

/**
 * Finishes decisions the ledger holds but whose effects a crash cut short (record missing, or
 * the application not yet moved): the ledger is the commit point, everything else follows it.
 */
export async function completeLedger(s: Services, ledger: FrameLedgerDoc | null): Promise<number> {
  if (!ledger) return 0;
  const claims = Object.values(ledger.claims ?? {});
  if (claims.length === 0) return 0;
  const recorded = await s.allocation.decisions.existing(claims.map((c) => c.decisionId));
  const apps = await s.applications.find({
    _id: { $in: claims.map((c) => c.record.applicationId) },
  });
  const status = new Map(apps.map((a) => [a._id, a.status]));
  let done = 0;
  for (const claim of claims) {
    const st = status.get(claim.record.applicationId);
    const behind = st !== undefined && st !== claim.outcome && DECIDABLE.includes(st);
    if (!recorded.has(claim.decisionId) || behind) {
      await applyDecision(s, claim.record);
      done++;
    }
  }
  return done;
}
