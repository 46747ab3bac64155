import { Services } from '../services';
import { notifyOffice } from '../notifications/notify-office';
import { Actor } from '../shared/actor';
import { newId } from '../shared/ids';
import { checkText } from '../shared/text';
import { FieldIssue } from '../applications/validate-step';
import { IdeaDoc } from './idea-repository';

export const IDEA_LIMITS = { title: 120, need: 2000, organisation: 200 } as const;

export type SubmitIdeaResult = { ok: true; idea: IdeaDoc } | { ok: false; errors: FieldIssue[] };

/** Sends an idea sketch to the project office as early notice of a planned project (seed 004). */
export async function submitIdea(
  s: Services,
  actor: Actor,
  raw: Record<string, unknown>,
  activityId?: string,
): Promise<SubmitIdeaResult> {
  const errors: FieldIssue[] = [];
  const values: Record<string, string> = {};
  for (const [field, max] of Object.entries(IDEA_LIMITS)) {
    const r = checkText(raw[field] ?? '', { required: true, max });
    if (r.ok) values[field] = r.value;
    else errors.push({ field, code: r.error === 'empty' ? 'required' : r.error, params: { max, length: String(raw[field] ?? '').length } });
  }
  let portfolioId: string | undefined;
  if (typeof raw.portfolioId === 'string' && raw.portfolioId !== '') {
    if (await s.portfolios.get(raw.portfolioId)) portfolioId = raw.portfolioId;
    else errors.push({ field: 'portfolioId', code: 'invalid_choice' });
  }
  if (errors.length > 0) return { ok: false, errors };
  const now = s.clock().toISOString();
  const idea: IdeaDoc = {
    _id: newId(),
    ownerId: actor.aadObjectId.toLowerCase(),
    ownerName: actor.name,
    title: values.title,
    need: values.need,
    organisation: values.organisation,
    portfolioId,
    createdAt: now,
  };
  await s.ideas.insert(idea);
  await s.audit.append({
    at: now,
    actorId: idea.ownerId,
    actorName: actor.name,
    action: 'idea.submitted',
    entityType: 'idea',
    entityId: idea._id,
    after: idea,
    activityId,
  });
  const portfolio = portfolioId ? await s.portfolios.get(portfolioId) : null;
  await notifyOffice(s, `idea:${idea._id}`, {
    card: {
      template: 'office-idea-notice',
      model: { title: idea.title, need: idea.need, organisation: idea.organisation, applicant: idea.ownerName, portfolio: portfolio?.name },
    },
  });
  return { ok: true, idea };
}
