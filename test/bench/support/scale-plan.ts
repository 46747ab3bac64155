import { VALID_STEPS } from '../../support/application-fixture';

/**
 * The scale benchmark's data plan, shared by the bench (which measures) and the data maker (which
 * writes): who the people are, which applications are the probes the measured turns act on, and
 * what each application looks like. Deterministic: the same size gives the same data.
 */

export const TENANT = '00000000-0000-0000-0000-0000000000aa';
export const TEAM = '19:demo-team-general@thread.tacv2';
export const GENERAL = TEAM;
export const REVIEW = '19:demo-beredning@thread.tacv2';

export interface Person {
  id: string;
  aadObjectId: string;
  name: string;
}

/** People of the demo seed (deployment/seed/demo-seed.json). */
export const ANNA: Person = {
  id: '29:anna',
  aadObjectId: '00000000-0000-0000-0000-000000000001',
  name: 'Anna Andersson',
};
export const BJORN: Person = {
  id: '29:bjorn',
  aadObjectId: '00000000-0000-0000-0000-000000000002',
  name: 'Björn Berg',
};
export const DAVID: Person = {
  id: '29:david',
  aadObjectId: '00000000-0000-0000-0000-000000000004',
  name: 'David Dahl',
};
export const EVA: Person = {
  id: '29:eva',
  aadObjectId: '00000000-0000-0000-0000-000000000005',
  name: 'Eva Ek',
};
export const FREDRIK: Person = {
  id: '29:fredrik',
  aadObjectId: '00000000-0000-0000-0000-000000000006',
  name: 'Fredrik Falk',
};
/** The review group that votes (David chairs). */
export const REVIEWERS: Person[] = [DAVID, EVA, FREDRIK];

/** An office account applying on behalf of many (the heavy `mina ansökningar`). */
export const OFFICE: Person = {
  id: '29:office',
  aadObjectId: '00000000-0000-0000-0000-0000000000f1',
  name: 'IT-kansliet Stadsledningskontoret',
};

/** Probes: Anna's own applications, the office account's, and the newest ones awaiting "Komplett". */
export const ANNA_APPS = 3;
export const OFFICE_APPS = 220;
export const PENDING_PROBES = 33;
export const PROBE_COUNT = ANNA_APPS + OFFICE_APPS + PENDING_PROBES;
/** Applications made through the real server's wizard over HTTP before the rest is written in process. */
export const HTTP_APPS = 200;

const DAY = 86_400_000;
/** The data's "now": submissions spread over the year before it. */
export const PLAN_NOW = Date.parse('2026-11-30T12:00:00Z');

export interface AppSpec {
  /** Stable key of the application in the plan (probe:anna:0, other:123, ...). */
  key: string;
  owner: Person;
  /** Submission time (the data maker's clock for the whole application). */
  at: number;
  portfolioId: string;
  part: string;
  organisation: string;
  /** Where its life ended: still awaiting "Komplett", in review, or reviewed and closed. */
  stage: 'submitted' | 'in_review' | 'closed';
  votes: number;
}

const PORTFOLIOS = ['p1', 'p2', 'p3', 'p4', 'p5'];
const PARTS = ['improvement', 'innovation', 'maintenance'];
const ORGS = [
  'Utbildningsförvaltningen',
  'Socialförvaltningen',
  'Stadsledningskontoret',
  'Trafikkontoret',
  'Kulturförvaltningen',
  'Miljöförvaltningen',
  'Fastighetskontoret',
  'Arbetsmarknadsförvaltningen',
];

/** Owner of ordinary application i: a few heavy owners (every 10th goes to 10 people), many with one to five. */
export function ordinaryOwner(i: number): Person {
  const n = i % 10 === 0 ? (i / 10) % 10 : 10 + Math.floor(i / 3);
  const hex = n.toString(16).padStart(12, '0');
  return {
    id: `29:owner-${n}`,
    aadObjectId: `00000000-0000-4000-8000-${hex}`,
    name: `Sökande ${n}`,
  };
}

function lifecycle(ageDays: number, i: number): Pick<AppSpec, 'stage' | 'votes'> {
  if (ageDays < 10) return { stage: 'submitted', votes: 0 };
  if (ageDays < 45) return { stage: 'in_review', votes: i % 3 };
  return { stage: 'closed', votes: 3 };
}

function spec(
  key: string,
  owner: Person,
  i: number,
  ageDays: number,
  forced?: AppSpec['stage'],
): AppSpec {
  const life = forced ? { stage: forced, votes: 0 } : lifecycle(ageDays, i);
  return {
    key,
    owner,
    at: PLAN_NOW - ageDays * DAY,
    portfolioId: PORTFOLIOS[i % PORTFOLIOS.length],
    part: PARTS[Math.floor(i / PORTFOLIOS.length) % PARTS.length],
    organisation: ORGS[i % ORGS.length],
    ...life,
  };
}

/** The probes: the same in every store of a run, the empty one included. */
export function probeSpecs(): AppSpec[] {
  const out: AppSpec[] = [];
  for (let k = 0; k < ANNA_APPS; k++) out.push(spec(`probe:anna:${k}`, ANNA, k, 20 + k * 100));
  for (let k = 0; k < OFFICE_APPS; k++)
    out.push(spec(`probe:office:${k}`, OFFICE, k, (k * 365) / OFFICE_APPS));
  for (let k = 0; k < PENDING_PROBES; k++) {
    const owner = {
      id: `29:pending-${k}`,
      aadObjectId: `00000000-0000-4000-9000-${k.toString(16).padStart(12, '0')}`,
      name: `Väntande ${k}`,
    };
    out.push(spec(`probe:pending:${k}`, owner, k, 0.5 - k * 0.01, 'submitted'));
  }
  return out;
}

/** Ordinary applications [from, to) of a store of `others` of them, spread evenly over the year. */
export function otherSpecs(from: number, to: number, others: number): AppSpec[] {
  const out: AppSpec[] = [];
  for (let i = from; i < to; i++)
    out.push(spec(`other:${i}`, ordinaryOwner(i), i, 365 - (i * 364) / Math.max(1, others)));
  return out;
}

/** The wizard's inputs for one application, step by step (the fixture's, varied per application). */
export function wizardInputs(
  s: Pick<AppSpec, 'key' | 'portfolioId' | 'part' | 'organisation'>,
  n: number,
): Record<string, string>[] {
  return VALID_STEPS.map((step, i) => {
    if (i === 0)
      return {
        ...step,
        title: `Skalprojekt ${n}: ${s.organisation} ${s.key}`,
        portfolioId: s.portfolioId,
        part: s.part,
        organisation: s.organisation,
      };
    if (i === 2)
      return {
        ...step,
        citizenBenefit: `${step.citizenBenefit} Ärende ${n} för ${s.organisation}.`,
      };
    return step;
  });
}
