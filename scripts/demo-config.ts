import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PlaygroundConfig, PlaygroundUser } from './playground';

export const DEMO_SEED_FILE = path.resolve(
  __dirname,
  '..',
  '..',
  'deployment',
  'seed',
  'demo-seed.json',
);
const SOURCE_SEED_FILE = path.resolve(__dirname, '..', 'deployment', 'seed', 'demo-seed.json');

interface DemoSeed {
  tenantId: string;
  team: { id: string; name: string; channels: { id: string; name: string; purpose: string }[] };
  users: {
    aadObjectId: string;
    name: string;
    email?: string;
    organisation?: string;
    roles: string[];
  }[];
}

/** The demo seed file, wherever this runs from (compiled in dist/ or as source). */
export function seedFilePath(): string {
  const found = [DEMO_SEED_FILE, SOURCE_SEED_FILE].find((file) => existsSync(file));
  if (!found) throw new Error('deployment/seed/demo-seed.json not found');
  return found;
}

/** The demo seed's content. */
export function readDemoSeed(): DemoSeed {
  return JSON.parse(readFileSync(seedFilePath(), 'utf8')) as DemoSeed;
}

function toPlaygroundUser(u: DemoSeed['users'][number], index: number): PlaygroundUser {
  const email = u.email ?? `user${index}@stad.example`;
  return {
    id: `29:demo-user-${index + 1}`,
    name: u.name,
    userPrincipleName: email,
    aadObjectId: u.aadObjectId,
    email,
  };
}

/**
 * One Agents Playground configuration per demo person: the same tenant, bot, team and channels
 * in every instance, each with its own current user and personal chat (the UI has no user switcher).
 */
export function demoPlaygroundConfigs(botId = '28:projektkontoret-demo'): PlaygroundConfig[] {
  const seed = readDemoSeed();
  const people = seed.users.map(toPlaygroundUser);
  if (people.length !== 6)
    throw new Error('the demo needs exactly six seed users (the playground shows one plus five)');
  const general = seed.team.channels.find((c) => c.id === seed.team.id);
  const other = seed.team.channels.filter((c) => c.id !== seed.team.id);
  return people.map((currentUser, i) => ({
    tenantId: seed.tenantId,
    bot: { id: botId, name: 'Projektkontoret' },
    currentUser,
    users: people.filter((_, j) => j !== i),
    personalChatId: `a:demo-personal-${i + 1}`,
    groupChat: { id: '19:demo-group@thread.v2', name: 'Projektgrupp' },
    team: {
      id: seed.team.id,
      name: general ? seed.team.name : seed.team.name,
      aadGroupId: '00000000-0000-0000-0000-00000000a001',
      channels: other.slice(0, 1).map((c) => ({ id: c.id, name: c.name })),
    },
  }));
}

/** A demo person as the demo page and its connector know them (the same ids as in the Playgrounds). */
export interface DemoPerson {
  /** Teams user id (`29:…`), `from.id` in activities and `id` in member lists. */
  id: string;
  aadObjectId: string;
  name: string;
  email: string;
  organisation?: string;
  roles: string[];
  /** The person's 1:1 chat with the bot. */
  personalChatId: string;
}

/** The six demo people from the seed, with stable Teams ids and personal chat ids. */
export function demoPeople(): DemoPerson[] {
  const seed = readDemoSeed();
  return seed.users.map((u, i) => ({
    id: `29:demo-user-${i + 1}`,
    aadObjectId: u.aadObjectId,
    name: u.name,
    email: u.email ?? `user${i}@stad.example`,
    organisation: u.organisation,
    roles: u.roles,
    personalChatId: `a:demo-personal-${i + 1}`,
  }));
}
