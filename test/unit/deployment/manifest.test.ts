import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildManifest,
  packageTeamsApp,
  teamsSourceDir,
  TeamsPackageError,
  validateTeamsManifest,
  type TeamsManifest,
} from '../../../deployment/teams/package-teams';
import { encodePng, decodeRgbaPng, readPngHeader } from '../../../deployment/teams/png';
import { renderColorIcon, renderOutlineIcon } from '../../../deployment/teams/generate-icons';
import { createZip, readZip } from '../../../deployment/teams/zip';

const TEST_APP_ID = '0b5d7c1e-3f2a-4c6d-8e9f-a1b2c3d4e5f6';
const sourceDir = teamsSourceDir();
const noEnv = {};

function manifest(): TeamsManifest {
  return buildManifest({ appId: TEST_APP_ID, env: noEnv });
}

describe('Teams app manifest', () => {
  let outDir: string;
  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'teams-package-'));
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('when the manifest is filled with an app id, then it is valid against the v1.28 schema offline', async () => {
    const filled = manifest();
    expect(await validateTeamsManifest(filled, sourceDir)).toEqual([]);
    expect(filled.id).toBe(TEST_APP_ID);
    expect(filled.bots?.[0].botId).toBe(TEST_APP_ID);
    expect(filled.webApplicationInfo?.id).toBe(TEST_APP_ID);
  });

  it('when the bots section is missing, then validation fails and names it', async () => {
    const broken = { ...manifest() };
    delete broken.bots;
    const problems = await validateTeamsManifest(broken, sourceDir);
    expect(problems.join('\n')).toMatch(/bots is missing/);
  });

  it('when manifestVersion and version are invalid, then the schema rejects the manifest', async () => {
    const problems = await validateTeamsManifest(
      { ...manifest(), manifestVersion: '0.9', version: 42 as unknown as string },
      sourceDir,
    );
    expect(problems.some((p) => p.includes('/manifestVersion'))).toBe(true);
    expect(problems.some((p) => p.includes('/version'))).toBe(true);
  });

  it('when an unknown property or a bad accent colour is present, then the schema rejects it', async () => {
    const problems = await validateTeamsManifest(
      { ...manifest(), accentColor: 'blue', tabs: [] },
      sourceDir,
    );
    expect(problems.some((p) => p.includes('/accentColor'))).toBe(true);
    expect(problems.some((p) => p.includes('additionalProperty') && p.includes('tabs'))).toBe(true);
  });

  it('when no app id is given, then packaging fails with a message naming MicrosoftAppId', () => {
    expect(() => buildManifest({ env: noEnv })).toThrow(TeamsPackageError);
    expect(() => buildManifest({ env: noEnv })).toThrow(/MicrosoftAppId/);
    expect(() => buildManifest({ env: { TEAMS_APP_ID: 'not-a-guid' } })).toThrow(/not a GUID/);
    expect(buildManifest({ env: { TEAMS_APP_ID: TEST_APP_ID } }).id).toBe(TEST_APP_ID);
  });

  it('when PUBLIC_BASE_URL is set, then its host is a valid domain and the developer URLs use it', () => {
    const filled = buildManifest({
      appId: TEST_APP_ID,
      env: { PUBLIC_BASE_URL: 'https://projektkontoret.kommun.se' },
    });
    expect(filled.validDomains).toEqual(['projektkontoret.kommun.se', 'token.botframework.com']);
    expect((filled.developer as { websiteUrl: string }).websiteUrl).toBe(
      'https://projektkontoret.kommun.se',
    );
  });

  it('when packaged, then both scopes list the commands and RSC lets the bot read channel threads', () => {
    const bot = manifest().bots?.[0] as {
      scopes: string[];
      commandLists: { scopes: string[]; commands: { title: string }[] }[];
    };
    expect(bot.scopes).toEqual(['personal', 'team']);
    const titles = (scope: string) =>
      bot.commandLists.find((l) => l.scopes.includes(scope))?.commands.map((c) => c.title);
    expect(titles('personal')).toEqual([
      'new application',
      'new idea',
      'my applications',
      'ask',
      'report',
      'portfolios',
      'help',
    ]);
    expect(titles('team')).toEqual(['link', 'coach channel', 'allocate', 'portfolios', 'help']);
    expect(manifest().authorization).toEqual({
      permissions: {
        resourceSpecific: [{ name: 'ChannelMessage.Read.Group', type: 'Application' }],
      },
    });
    const sv = JSON.parse(readFileSync(join(sourceDir, 'sv-SE.json'), 'utf8')) as Record<
      string,
      string
    >;
    const svTitles = Object.entries(sv)
      .filter(([k]) => k.endsWith('.title'))
      .map(([, v]) => v);
    expect(svTitles).toEqual([
      'ny ansökan',
      'ny idé',
      'mina ansökningar',
      'fråga',
      'rapport',
      'portföljer',
      'hjälp',
      'koppla',
      'coachkanal',
      'fördela',
      'portföljer',
      'hjälp',
    ]);
  });

  it('when packaged, then the zip holds the manifest, both icons at the right size and sv-SE', async () => {
    const outFile = join(outDir, 'app.zip');
    const result = await packageTeamsApp({ appId: TEST_APP_ID, env: noEnv, outFile });
    expect(result.outFile).toBe(outFile);
    const entries = new Map(readZip(readFileSync(outFile)).map((e) => [e.name, e.data]));
    expect([...entries.keys()].sort()).toEqual(
      ['color.png', 'manifest.json', 'outline.png', 'sv-SE.json'].sort(),
    );
    const zipped = JSON.parse((entries.get('manifest.json') as Buffer).toString('utf8'));
    expect(zipped.id).toBe(TEST_APP_ID);
    expect(readPngHeader(entries.get('color.png') as Buffer)).toMatchObject({
      width: 192,
      height: 192,
    });
    expect(readPngHeader(entries.get('outline.png') as Buffer)).toMatchObject({
      width: 32,
      height: 32,
    });
  });

  it('when an icon has the wrong size, then validation says which and what size it must be', async () => {
    const problems = await validateTeamsManifest(
      { ...manifest(), icons: { color: 'outline.png', outline: 'outline.png' } },
      sourceDir,
    );
    expect(problems).toContain('icons.color: outline.png is 32×32, must be 192×192');
  });
});

describe('Teams app icons', () => {
  it('when the icons are regenerated, then the committed PNGs are identical', () => {
    expect(readFileSync(join(sourceDir, 'color.png')).equals(encodePng(renderColorIcon()))).toBe(
      true,
    );
    expect(
      readFileSync(join(sourceDir, 'outline.png')).equals(encodePng(renderOutlineIcon())),
    ).toBe(true);
  });

  it('when the outline icon is decoded, then every visible pixel is white and the rest transparent', () => {
    const { pixels } = decodeRgbaPng(readFileSync(join(sourceDir, 'outline.png')));
    let transparent = 0;
    let opaque = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] === 0) transparent++;
      if (pixels[i + 3] === 255) opaque++;
      if (pixels[i + 3] > 0)
        expect([pixels[i], pixels[i + 1], pixels[i + 2]]).toEqual([255, 255, 255]);
    }
    expect(transparent).toBeGreaterThan(100);
    expect(opaque).toBeGreaterThan(100);
  });

  it('when the color icon is decoded, then it is fully opaque and uses the accent colour', () => {
    const { pixels } = decodeRgbaPng(readFileSync(join(sourceDir, 'color.png')));
    expect(pixels.every((v, i) => i % 4 !== 3 || v === 255)).toBe(true);
    expect([pixels[0], pixels[1], pixels[2]]).toEqual([0x1f, 0x5a, 0xa6]);
  });
});

describe('zip writer', () => {
  it('when entries are zipped and read back, then names and bytes survive', () => {
    const entries = [
      { name: 'a.txt', data: Buffer.from('hej hej hej hej') },
      { name: 'å/ö.bin', data: Buffer.from([0, 1, 2, 255]) },
      { name: 'empty', data: Buffer.alloc(0) },
    ];
    expect(readZip(createZip(entries))).toEqual(entries);
  });

  it('when the same entries are zipped twice, then the archives are byte-identical', () => {
    const entries = [{ name: 'x', data: Buffer.from('x') }];
    expect(createZip(entries).equals(createZip(entries))).toBe(true);
  });
});
