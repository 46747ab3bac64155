import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { Services } from '../services';
import { OFFICE_CHANNEL, OfficeChannelSetting } from '../settings/settings-repository';
import { Role } from '../users/user-repository';

const frame = z.object({
  year: z.number().int().min(2000).max(2100),
  amount: z.number().int().min(0),
  shares: z.object({ innovation: z.number().min(0).max(100), improvement: z.number().min(0).max(100), maintenance: z.number().min(0).max(100) }),
});

const seedPart = z
  .object({
    closed: z.boolean().optional(),
    name: z.object({ sv: z.string().min(1).max(120), en: z.string().min(1).max(120) }).optional(),
  })
  .strict();

const seedSchema = z.object({
  tenantId: z.string().optional(),
  team: z
    .object({
      id: z.string(),
      name: z.string(),
      channels: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          purpose: z.enum(['office', 'review', 'coach', 'other']),
          portfolios: z.array(z.string()).optional(),
        }),
      ),
    })
    .optional(),
  portfolios: z.array(
    z.object({
      _id: z.string(),
      number: z.number().int(),
      key: z.string(),
      name: z.object({ sv: z.string(), en: z.string() }),
      relaxedBenefit: z.boolean(),
      quorum: z.number().int().min(1),
      reviewDays: z.number().int().min(1),
      frames: z.array(frame).default([]),
      description: z.string().max(1000).optional(),
      closed: z.boolean().optional(),
      /** The parts the portfolio has; all three, open, when left out. */
      parts: z
        .object({ innovation: seedPart, improvement: seedPart, maintenance: seedPart })
        .partial()
        .optional(),
    }),
  ),
  users: z
    .array(
      z.object({
        aadObjectId: z.string(),
        name: z.string(),
        email: z.string().optional(),
        organisation: z.string().optional(),
        roles: z.array(z.enum(['admin', 'coach', 'reviewer', 'chair', 'it', 'decisionMaker'])),
      }),
    )
    .default([]),
});

export type Seed = z.infer<typeof seedSchema>;

/** Reads and checks a seed file; the error names the wrong field. */
export async function readSeed(file: string): Promise<Seed> {
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  const parsed = seedSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Seed ${file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/**
 * Applies a seed idempotently: adds portfolios, frames, roles and channel bindings that are
 * missing, and never overwrites what an admin has changed since. Every addition is audited.
 */
export async function applySeed(s: Services, seed: Seed): Promise<number> {
  const now = s.clock();
  let changes = 0;
  const audit = async (action: string, entityType: string, entityId: string, after: unknown): Promise<void> => {
    changes++;
    await s.audit.append({ at: now.toISOString(), actorId: 'system:seed', action, entityType, entityId, after });
  };
  const reviewChannel = seed.team?.channels.find((c) => c.purpose === 'review');
  const coachChannel = seed.team?.channels.find((c) => c.purpose === 'coach');
  for (const p of seed.portfolios) {
    const existing = await s.portfolios.get(p._id);
    if (!existing) {
      // An admin may have made a portfolio with this number or short name on the card: theirs stays.
      const clash = (await s.portfolios.all()).find((o) => o.number === p.number || o.key === p.key);
      if (clash) {
        s.log.warn(
          { seeded: p._id, existing: clash._id },
          'seed portfolio skipped: a portfolio with the same number or short name exists',
        );
        continue;
      }
      const doc = {
        ...p,
        reviewChannelId: reviewChannel?.portfolios?.includes(p._id) ? reviewChannel.id : undefined,
        coachChannelId: coachChannel?.portfolios?.includes(p._id) ? coachChannel.id : undefined,
      };
      await s.portfolios.upsert(doc);
      await audit('portfolio.seeded', 'portfolio', p._id, doc);
      continue;
    }
    const missing = p.frames.filter((f) => !existing.frames.some((e) => e.year === f.year));
    if (missing.length > 0) {
      await s.portfolios.update(p._id, { frames: [...existing.frames, ...missing].sort((a, b) => a.year - b.year) });
      await audit('portfolio.frames_seeded', 'portfolio', p._id, missing);
    }
  }
  for (const u of seed.users) {
    const current = await s.users.get(u.aadObjectId);
    if (!current || !current.organisation) {
      await s.users.upsertProfile(u.aadObjectId, { name: u.name, email: u.email, organisation: u.organisation, tenantId: seed.tenantId }, now);
    }
    const have = new Set<Role>(current?.roles ?? []);
    const add = u.roles.filter((r) => !have.has(r));
    if (add.length > 0) {
      await s.users.setRoles(u.aadObjectId, [...have, ...add], now);
      await audit('user.roles_seeded', 'user', u.aadObjectId.toLowerCase(), { added: add });
    }
  }
  const office = seed.team?.channels.find((c) => c.purpose === 'office');
  if (office && !(await s.settings.get<OfficeChannelSetting>(OFFICE_CHANNEL))) {
    const value: OfficeChannelSetting = { teamId: seed.team?.id, channelId: office.id };
    await s.settings.set(OFFICE_CHANNEL, value, now, 'system:seed');
    await audit('settings.office_channel_seeded', 'setting', OFFICE_CHANNEL, value);
  }
  if (seed.tenantId && !(await s.settings.get<string>('defaultTenantId'))) {
    await s.settings.set('defaultTenantId', seed.tenantId, now, 'system:seed');
  }
  return changes;
}
