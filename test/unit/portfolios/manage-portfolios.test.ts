import { createLogger } from '../../../services/logging/logger';
import {
  createPortfolio,
  PortfolioInput,
  setPortfolioOpen,
  updatePortfolio,
} from '../../../services/portfolios/manage-portfolios';
import { isOffered, openPartsOf, partsOf } from '../../../services/portfolios/portfolio-repository';
import { applySeed, readSeed } from '../../../services/seed/apply-seed';
import { createServices, Services } from '../../../services/services';
import type { Actor } from '../../../services/shared/actor';
import { openTestStore } from '../../support/test-store';
import path from 'node:path';

const NOW = new Date('2026-12-06T10:00:00Z');
const ADMIN: Actor = { aadObjectId: '00000000-0000-0000-0000-0000000000ad', name: 'Björn Berg', locale: 'sv' };
const OTHER: Actor = { aadObjectId: '00000000-0000-0000-0000-0000000000ae', name: 'Eva Ek', locale: 'sv' };
const PRODUCTION_SEED = path.join(__dirname, '..', '..', '..', 'deployment', 'seed', 'production-seed.json');

const FORM: PortfolioInput = {
  number: '6',
  key: 'Klimat',
  nameSv: 'Klimat och miljö',
  nameEn: '',
  description: '',
  relaxedBenefit: 'false',
  partStates: { innovation: 'open', improvement: 'closed', maintenance: 'none' },
  partNamesSv: { innovation: '  ' },
  partNamesEn: {},
};

describe('managing portfolios and their parts (hantera portföljer)', () => {
  let s: Services;

  beforeEach(async () => {
    s = await createServices(await openTestStore(), {
      clock: () => NOW,
      log: createLogger('silent'),
      admins: [ADMIN.aadObjectId],
    });
  });

  it('when an admin creates a portfolio, then it is stored as typed (code normalised, English name defaulted) and audited', async () => {
    const r = await createPortfolio(s, ADMIN, FORM, 'act-1');
    expect(r.ok).toBe(true);
    const p = (await s.portfolios.fresh('p6'))!;
    expect(p).toMatchObject({ number: 6, key: 'klimat', name: { sv: 'Klimat och miljö', en: 'Klimat och miljö' }, version: 1 });
    expect(p.description).toBeUndefined();
    expect(partsOf(p)).toEqual(['innovation', 'improvement']);
    expect(openPartsOf(p)).toEqual(['innovation']);
    expect(isOffered(p)).toBe(true);
    const [entry] = await s.audit.forEntity('p6');
    expect(entry).toMatchObject({ action: 'portfolio.created', actorId: ADMIN.aadObjectId, before: null, activityId: 'act-1' });
  });

  it('when the input is bad, then each field says what is wrong and nothing is stored', async () => {
    const r = await createPortfolio(s, ADMIN, {
      number: '0',
      key: 'ö',
      nameSv: 'x'.repeat(201),
      nameEn: 'y',
      description: 'z'.repeat(1001),
      partStates: { innovation: 'bogus' },
    });
    expect(r.ok).toBe(false);
    const codes = !r.ok && 'errors' in r ? r.errors.map((e) => `${e.field}:${e.code}`).sort() : [];
    expect(codes).toEqual(['description:too_long', 'key:key_invalid', 'nameSv:too_long', 'number:number_invalid', 'parts:parts_none']);
    const missing = await createPortfolio(s, ADMIN, { partStates: { innovation: 'open' } });
    const missingCodes = !missing.ok && 'errors' in missing ? missing.errors.map((e) => `${e.field}:${e.code}`).sort() : [];
    expect(missingCodes).toEqual(['key:required', 'nameSv:required', 'number:required']);
    expect(await s.portfolios.all()).toEqual([]);
    expect(await s.audit.forEntity('p0')).toEqual([]);
  });

  it('when someone who is not an admin tries any change, then it is refused and nothing changes', async () => {
    await createPortfolio(s, ADMIN, FORM);
    expect(await createPortfolio(s, OTHER, { ...FORM, number: '7', key: 'annan', nameSv: 'Annan' })).toEqual({ ok: false, refused: 'admin_only' });
    expect(await updatePortfolio(s, OTHER, 'p6', '1', { ...FORM, nameSv: 'Kapad' })).toEqual({ ok: false, refused: 'admin_only' });
    expect(await setPortfolioOpen(s, OTHER, 'p6', false)).toEqual({ ok: false, refused: 'admin_only' });
    const p = (await s.portfolios.fresh('p6'))!;
    expect(p.name.sv).toBe('Klimat och miljö');
    expect(p.closed).toBeUndefined();
  });

  it('when another portfolio has the code or the name (in any case or accents), then it is refused by field', async () => {
    await createPortfolio(s, ADMIN, FORM);
    const r = await createPortfolio(s, ADMIN, { ...FORM, number: '7', key: 'KLIMAT', nameSv: 'klimat OCH miljo' });
    const codes = !r.ok && 'errors' in r ? r.errors.map((e) => `${e.field}:${e.code}`).sort() : [];
    expect(codes).toEqual(['key:key_taken', 'nameEn:name_taken', 'nameSv:name_taken']);
  });

  it('when a seeded portfolio (no parts, no version) is changed, then its three parts become explicit and each change is audited once', async () => {
    await applySeed(s, await readSeed(PRODUCTION_SEED));
    const before = (await s.portfolios.fresh('p5'))!;
    expect(before.version).toBeUndefined();
    const input: PortfolioInput = {
      key: before.key,
      nameSv: before.name.sv,
      nameEn: before.name.en,
      relaxedBenefit: 'true',
      open: 'true',
      partStates: { innovation: 'open', improvement: 'open', maintenance: 'closed' },
    };
    const r = await updatePortfolio(s, ADMIN, 'p5', '0', input);
    expect(r.ok && r.changes).toEqual(['portfolio.part_closed']);
    expect((await s.portfolios.fresh('p5'))!.parts).toEqual({ innovation: {}, improvement: {}, maintenance: { closed: true } });
    // The same form again: nothing changes, nothing more is audited.
    const again = await updatePortfolio(s, ADMIN, 'p5', '1', input);
    expect(again.ok && again.unchanged).toBe(true);
    expect((await s.audit.forEntity('p5')).filter((e) => e.action.startsWith('portfolio.part'))).toHaveLength(1);
  });

  it('when a portfolio is closed twice or opened when open, then only the real change is audited', async () => {
    await createPortfolio(s, ADMIN, FORM);
    expect((await setPortfolioOpen(s, ADMIN, 'p6', true)).ok).toBe(true);
    await setPortfolioOpen(s, ADMIN, 'p6', false);
    await setPortfolioOpen(s, ADMIN, 'p6', false);
    expect(isOffered((await s.portfolios.fresh('p6'))!)).toBe(false);
    // One clock instant for all: compare as a set.
    expect((await s.audit.forEntity('p6')).map((e) => e.action).sort()).toEqual(['portfolio.closed', 'portfolio.created']);
    expect(await setPortfolioOpen(s, ADMIN, 'nope', true)).toEqual({ ok: false, refused: 'not_found' });
  });

  it('when the production seed is applied twice, then it adds the five portfolios once and no people', async () => {
    const seed = await readSeed(PRODUCTION_SEED);
    expect(await applySeed(s, seed)).toBe(5);
    expect(await applySeed(s, seed)).toBe(0);
    const all = await s.portfolios.all();
    expect(all.map((p) => `${p.number} ${p.key}`)).toEqual([
      '1 tillganglighet',
      '2 information',
      '3 utbildning',
      '4 samverkan',
      '5 innovation',
    ]);
    expect(all.every(isOffered)).toBe(true);
    expect(seed.users).toEqual([]);
    expect(seed.team).toBeUndefined();
  });
});
