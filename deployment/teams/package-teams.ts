import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ManifestUtil } from '@microsoft/teams-manifest';
import { decodeRgbaPng, readPngHeader } from './png';
import { createZip, type ZipEntry } from './zip';

/** What packageTeamsApp needs; anything left out is read from the environment. */
export interface PackageTeamsOptions {
  /** The bot's app registration client id; default env MicrosoftAppId, then TEAMS_APP_ID. */
  appId?: string;
  /** Manifest version (semver); default the version in package.json. */
  version?: string;
  /** The bot's public https base URL; its host goes into validDomains. Default env PUBLIC_BASE_URL. */
  publicBaseUrl?: string;
  developerName?: string;
  websiteUrl?: string;
  privacyUrl?: string;
  termsOfUseUrl?: string;
  /** Where the zip goes; default deployment/teams/build/projektkontoret.zip. */
  outFile?: string;
  /** Folder with manifest.json, icons, localization files and schema/; default deployment/teams. */
  sourceDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** What was packaged. */
export interface PackageTeamsResult {
  outFile: string;
  manifest: TeamsManifest;
  files: string[];
}

/** The parts of a Teams app manifest this script reads; the schema checks the rest. */
export interface TeamsManifest {
  id?: string;
  version?: string;
  icons?: { color?: string; outline?: string };
  bots?: { botId?: string; scopes?: string[]; commandLists?: unknown[] }[];
  localizationInfo?: { additionalLanguages?: { languageTag: string; file: string }[] };
  validDomains?: string[];
  webApplicationInfo?: { id?: string };
  [key: string]: unknown;
}

/** Raised when the package cannot be built; lists every problem so they can be fixed at once. */
export class TeamsPackageError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Teams app package is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_URL = 'https://www.example.se/projektkontoret';

/** Finds deployment/teams both from the TypeScript sources and from dist/deployment/teams. */
export function teamsSourceDir(): string {
  if (existsSync(join(__dirname, 'manifest.json'))) return __dirname;
  return resolve(__dirname, '..', '..', '..', 'deployment', 'teams');
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

function packageVersion(sourceDir: string): string {
  const pkg = readJson(resolve(sourceDir, '..', '..', 'package.json')) as { version?: string };
  return pkg.version ?? '1.0.0';
}

/** Fills the placeholders in manifest.json; fails clearly when the app id is missing. */
export function buildManifest(options: PackageTeamsOptions = {}): TeamsManifest {
  const env = options.env ?? process.env;
  const sourceDir = options.sourceDir ?? teamsSourceDir();
  const appId = (options.appId ?? env.MicrosoftAppId ?? env.TEAMS_APP_ID ?? '').trim();
  if (!appId) {
    throw new TeamsPackageError([
      'no app id: set MicrosoftAppId (the Entra app registration client id of the bot) or TEAMS_APP_ID, e.g. MicrosoftAppId=<guid> npm run package:teams',
    ]);
  }
  if (!GUID.test(appId)) {
    throw new TeamsPackageError([
      `app id "${appId}" is not a GUID (the app registration's client id)`,
    ]);
  }
  const publicBaseUrl = options.publicBaseUrl ?? env.PUBLIC_BASE_URL;
  const values: Record<string, string> = {
    MicrosoftAppId: appId.toLowerCase(),
    APP_VERSION: options.version ?? packageVersion(sourceDir),
    DEVELOPER_NAME: options.developerName ?? env.TEAMS_DEVELOPER_NAME ?? 'Projektkontoret',
    WEBSITE_URL: options.websiteUrl ?? env.TEAMS_WEBSITE_URL ?? publicBaseUrl ?? DEFAULT_URL,
    PRIVACY_URL: options.privacyUrl ?? env.TEAMS_PRIVACY_URL ?? publicBaseUrl ?? DEFAULT_URL,
    TERMS_URL: options.termsOfUseUrl ?? env.TEAMS_TERMS_URL ?? publicBaseUrl ?? DEFAULT_URL,
  };
  const template = readFileSync(join(sourceDir, 'manifest.json'), 'utf8');
  const filled = template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) =>
    key in values ? JSON.stringify(values[key]).slice(1, -1) : whole,
  );
  const manifest = JSON.parse(filled) as TeamsManifest;
  if (publicBaseUrl) {
    const host = new URL(publicBaseUrl).host;
    manifest.validDomains = [host, ...(manifest.validDomains ?? []).filter((d) => d !== host)];
  }
  return manifest;
}

function loadSchema(sourceDir: string, file: string): unknown {
  return readJson(join(sourceDir, 'schema', file));
}

async function schemaErrors(document: unknown, schema: unknown, label: string): Promise<string[]> {
  // Offline on purpose: ManifestUtil.validateManifest would fetch $schema over the network.
  const errors = await ManifestUtil.validateManifestAgainstSchema(
    document as never,
    schema as never,
  );
  return errors.map((e) => `${label}: ${e.trim()}`);
}

function iconProblems(
  sourceDir: string,
  file: string | undefined,
  kind: 'color' | 'outline',
): string[] {
  const size = kind === 'color' ? 192 : 32;
  if (!file) return [`icons.${kind} is missing`];
  const path = join(sourceDir, file);
  if (!existsSync(path)) return [`icons.${kind}: file ${file} does not exist`];
  try {
    const png = readFileSync(path);
    const header = readPngHeader(png);
    if (header.width !== size || header.height !== size) {
      return [
        `icons.${kind}: ${file} is ${header.width}×${header.height}, must be ${size}×${size}`,
      ];
    }
    if (kind === 'outline') {
      const { pixels } = decodeRgbaPng(png);
      for (let i = 0; i < pixels.length; i += 4) {
        const visible = pixels[i + 3] > 0;
        if (visible && (pixels[i] !== 255 || pixels[i + 1] !== 255 || pixels[i + 2] !== 255)) {
          return [
            `icons.outline: ${file} must be white on transparent (pixel ${i / 4} is not white)`,
          ];
        }
      }
      if (!pixels.some((_, i) => i % 4 === 3 && pixels[i] === 0)) {
        return [`icons.outline: ${file} has no transparent pixels`];
      }
    }
  } catch (error) {
    return [`icons.${kind}: ${file}: ${(error as Error).message}`];
  }
  return [];
}

/**
 * Validates a filled manifest offline: against the vendored v1.28 schema, then the rules the
 * schema cannot express (one bot in personal and team scope, ids match, icons, localization).
 */
export async function validateTeamsManifest(
  manifest: TeamsManifest,
  sourceDir: string = teamsSourceDir(),
): Promise<string[]> {
  const problems = await schemaErrors(
    manifest,
    loadSchema(sourceDir, 'MicrosoftTeams.schema.json'),
    'manifest.json',
  );
  const unfilled = JSON.stringify(manifest).match(/\{\{\w+\}\}/g);
  if (unfilled)
    problems.push(`manifest.json: unfilled placeholders ${[...new Set(unfilled)].join(', ')}`);
  const bot = manifest.bots?.[0];
  if (!bot) {
    problems.push('manifest.json: bots is missing; Projektkontoret is a bot');
  } else {
    for (const scope of ['personal', 'team']) {
      if (!bot.scopes?.includes(scope))
        problems.push(`manifest.json: the bot lacks the ${scope} scope`);
    }
    if (bot.botId !== manifest.id) problems.push('manifest.json: bots[0].botId must equal id');
    if (manifest.webApplicationInfo?.id !== bot.botId) {
      problems.push('manifest.json: webApplicationInfo.id must equal the bot id (needed for RSC)');
    }
  }
  problems.push(...iconProblems(sourceDir, manifest.icons?.color, 'color'));
  problems.push(...iconProblems(sourceDir, manifest.icons?.outline, 'outline'));
  const localizationSchema = loadSchema(sourceDir, 'MicrosoftTeams.Localization.schema.json');
  for (const language of manifest.localizationInfo?.additionalLanguages ?? []) {
    const path = join(sourceDir, language.file);
    if (!existsSync(path)) {
      problems.push(`localizationInfo: ${language.file} does not exist`);
      continue;
    }
    problems.push(...(await schemaErrors(readJson(path), localizationSchema, language.file)));
  }
  return problems;
}

/** Fills, validates and zips the Teams app package (manifest, icons, localization files). */
export async function packageTeamsApp(
  options: PackageTeamsOptions = {},
): Promise<PackageTeamsResult> {
  const sourceDir = options.sourceDir ?? teamsSourceDir();
  const manifest = buildManifest({ ...options, sourceDir });
  const problems = await validateTeamsManifest(manifest, sourceDir);
  if (problems.length > 0) throw new TeamsPackageError(problems);
  const files = [
    manifest.icons?.color as string,
    manifest.icons?.outline as string,
    ...(manifest.localizationInfo?.additionalLanguages ?? []).map((l) => l.file),
  ];
  const entries: ZipEntry[] = [
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8') },
    ...files.map((name) => ({ name, data: readFileSync(join(sourceDir, name)) })),
  ];
  const outFile = options.outFile ?? join(sourceDir, 'build', 'projektkontoret.zip');
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, createZip(entries));
  return { outFile, manifest, files: entries.map((e) => e.name) };
}

async function main(): Promise<void> {
  try {
    const result = await packageTeamsApp();
    console.log(`Teams app package written to ${result.outFile}`);
    console.log(`  app id ${result.manifest.id}, version ${result.manifest.version}`);
    console.log(
      `  contains ${result.files.join(', ')}; manifest valid against schema v1.28 (offline)`,
    );
    console.log(
      '  Upload it in Teams: Apps > Manage your apps > Upload an app (see deployment/README.md).',
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
