/**
 * A controllable clock and an in-memory store with the state reminders are computed from, for
 * the scheduler's unit tests (no jest imports).
 */
import { DateTime } from 'luxon';
import { ApplicationDoc, SubmittedData } from '../../../services/applications/application';
import {
  createProjectFromDecision,
  CreateProjectInput,
} from '../../../services/followup/create-project';
import { ProjectDoc } from '../../../services/followup/project';
import { createLogger } from '../../../services/logging/logger';
import { ReminderSettings } from '../../../services/reminders/reminder-settings';
import { createServices, Services } from '../../../services/services';
import { openTestStore } from '../../support/test-store';

/** A clock that stays where it is put. */
export class TestClock {
  private now: Date;

  constructor(start: string) {
    this.now = at(start);
  }

  readonly fn = (): Date => this.now;

  set(iso: string): Date {
    this.now = at(iso);
    return this.now;
  }
}

/** Stockholm wall time 'YYYY-MM-DD HH:mm' (or any ISO) as an instant. */
export function at(local: string): Date {
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(local)) {
    return DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: 'Europe/Stockholm' }).toJSDate();
  }
  return new Date(local);
}

export const PERSON = (n: number): string =>
  `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export async function kitServices(
  clock: TestClock,
  reminders: Partial<ReminderSettings> = {},
): Promise<Services> {
  const s = await createServices(await openTestStore(), {
    clock: clock.fn,
    log: createLogger('silent'),
    admins: [],
    reminders,
  });
  for (let n = 1; n <= 9; n++)
    await s.users.upsertProfile(PERSON(n), { name: `Person ${n}` }, clock.fn());
  return s;
}

/** A draft last touched at `updated` (Stockholm wall time). */
export async function addDraft(
  s: Services,
  id: string,
  owner: string,
  updated: string,
  status: ApplicationDoc['status'] = 'draft',
): Promise<void> {
  const iso = at(updated).toISOString();
  await s.applications.insert({
    _id: id,
    ownerId: owner,
    ownerName: 'Ägare',
    status,
    inputs: { title: `Ansökan ${id}` },
    step: 1,
    reached: 1,
    version: 1,
    createdAt: iso,
    updatedAt: iso,
    ...(status !== 'draft' ? { regNo: `PK 2027/${id}` } : {}),
  });
}

const DATA: Partial<SubmittedData> = {
  title: 'Digital ansökan om förskoleplats',
  portfolioId: 'p1',
  organisation: 'Utbildningsförvaltningen',
  yearlyEffectSek: 1_200_000,
  yearlyEffectHours: 2000,
  realisationPlan: 'Två handläggartjänster omfördelas under 2027.',
  startDate: '2027-02-01',
  endDate: '2027-11-30',
  devCost: 1_200_000,
};

/** A decided application turned into a funded project through the use case the allocation area calls. */
export async function addProject(
  s: Services,
  appId: string,
  owner: string,
  input: Partial<CreateProjectInput> = {},
  data: Partial<SubmittedData> = {},
): Promise<ProjectDoc> {
  const iso = s.clock().toISOString();
  await s.applications.insert({
    _id: appId,
    ownerId: owner,
    ownerName: 'Ägare',
    status: 'approved',
    inputs: {},
    step: 5,
    reached: 5,
    version: 3,
    createdAt: iso,
    updatedAt: iso,
    regNo: `PK 2027/${appId}`,
    data: { ...DATA, ...data } as SubmittedData,
  });
  return createProjectFromDecision(s, {
    applicationId: appId,
    grantedSek: 1_000_000,
    decisionDate: '2027-01-20',
    ...input,
  });
}
