import type { Services } from '../services';
import type { Actor } from '../shared/actor';
import { requireAdmin } from './insight-access';
import {
  ExportFile,
  INSIGHT_EXPORTS,
  InsightExport,
  insightExportPath,
  renderInsightExport,
} from './register-export';

/** True when the text names one of the insight exports. */
export function isInsightExport(v: unknown): v is InsightExport {
  return typeof v === 'string' && (INSIGHT_EXPORTS as readonly string[]).includes(v);
}

/** The export named by a URL path (`/exports/insight/<kind>`), or null. */
export function insightExportOfPath(path: string): InsightExport | null {
  const m = /^\/exports\/insight\/([a-z.]+)$/.exec(path);
  return m && isInsightExport(m[1]) ? m[1] : null;
}

/**
 * An admin asks for the register and follow-up exports: the paths to sign (the bot turns them
 * into short-lived links). Audited, so the record shows who took the register out and when.
 */
export async function issueInsightExports(
  s: Services,
  actor: Actor,
  activityId?: string,
): Promise<{ kind: InsightExport; path: string }[]> {
  await requireAdmin(s, actor, 'exports');
  const links = INSIGHT_EXPORTS.map((kind) => ({ kind, path: insightExportPath(kind) }));
  await s.audit.append({
    at: s.clock().toISOString(),
    actorId: actor.aadObjectId,
    actorName: actor.name,
    action: 'insight.exports_issued',
    entityType: 'register',
    entityId: 'register',
    after: { kinds: [...INSIGHT_EXPORTS] },
    activityId,
  });
  return links;
}

/** Builds an export when its signed link is fetched, and audits the download. */
export async function downloadInsightExport(s: Services, kind: InsightExport): Promise<ExportFile> {
  const file = await renderInsightExport(s, kind);
  await s.audit.append({
    at: s.clock().toISOString(),
    actorId: 'system:signed-link',
    action: 'insight.export_downloaded',
    entityType: 'register',
    entityId: 'register',
    after: { kind, bytes: Buffer.byteLength(file.body, 'utf8') },
  });
  return file;
}
