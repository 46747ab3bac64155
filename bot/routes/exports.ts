import restify from 'restify';
import type { AppConfig } from '../../services/config/config';
import {
  protocolPath,
  PUBLIC_REGISTER_CSV,
  PUBLIC_REGISTER_JSON,
} from '../../services/decisions/export-links';
import {
  protocolCsv,
  protocolMarkdown,
  publicRegister,
  publicRegisterCsv,
} from '../../services/decisions/exports';
import { verifySignedPath } from '../../services/decisions/signed-links';
import { downloadInsightExport, insightExportOfPath } from '../../services/insight/insight-exports';
import { renderPersonExport, requestIdOfPath } from '../../services/privacy/export-person';
import type { Logger } from '../../services/logging/logger';
import type { Services } from '../../services/services';

export interface ExportRouteDeps {
  services: Services;
  config: Pick<AppConfig, 'exportSigningSecret' | 'exportSecretGenerated'>;
  log: Logger;
}

const ROUND_ID = /^[0-9a-f-]{36}$/;

function queryOf(req: restify.Request): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

function sendFile(
  res: restify.Response,
  status: number,
  contentType: string,
  body: string,
  filename?: string,
): void {
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(body, 'utf8')),
  };
  if (filename) headers['Content-Disposition'] = `attachment; filename="${filename}"`;
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * The decision exports over HTTP: a round's protocol (Markdown, CSV for Swedish Excel) behind a
 * short-lived HMAC-signed link (the allocation card hands it out), and the public register of
 * funded projects, which holds public records only and needs no signature.
 */
export function registerExportRoutes(server: restify.Server, deps: ExportRouteDeps): void {
  const { services: s, config, log } = deps;
  if (config.exportSecretGenerated) {
    log.info(
      'EXPORT_SIGNING_SECRET is not set: protocol links are signed with a per-process secret and work only on this instance',
    );
  }

  server.get('/exports/rounds/:roundId/:file', async (req, res) => {
    const roundId = String(req.params?.roundId ?? '');
    const file = String(req.params?.file ?? '');
    const format = file === 'protocol.md' ? 'md' : file === 'protocol.csv' ? 'csv' : null;
    if (!format || !ROUND_ID.test(roundId)) {
      res.send(404, { error: 'not found' });
      return;
    }
    const q = queryOf(req);
    const check = verifySignedPath(
      config.exportSigningSecret,
      protocolPath(roundId, format),
      q.get('exp') ?? undefined,
      q.get('sig') ?? undefined,
      s.clock(),
    );
    if (check !== 'ok') {
      res.send(403, { error: check === 'expired' ? 'link expired' : 'invalid link' });
      return;
    }
    try {
      const round = await s.allocation.rounds.get(roundId);
      const portfolio = round ? await s.portfolios.get(round.portfolioId) : null;
      if (!round || !portfolio || round.status !== 'confirmed') {
        res.send(404, { error: 'not found' });
        return;
      }
      const decisions = await s.allocation.decisions.forRound(round._id);
      const name = `protokoll-portfolj-${portfolio.number}-${round.year}-${(round.confirmedAt ?? '').slice(0, 10)}`;
      if (format === 'md') {
        const ledger = await s.allocation.ledgers.get(round.portfolioId, round.year);
        sendFile(
          res,
          200,
          'text/markdown; charset=utf-8',
          protocolMarkdown(round, portfolio, ledger, decisions),
          `${name}.md`,
        );
      } else {
        sendFile(res, 200, 'text/csv; charset=utf-8', protocolCsv(decisions), `${name}.csv`);
      }
    } catch (err) {
      log.error({ err }, 'protocol export failed');
      res.send(503, { error: 'try again' });
    }
  });

  const register = async (
    req: restify.Request,
  ): Promise<{ status: number; entries?: ReturnType<typeof publicRegister>; error?: string }> => {
    const q = queryOf(req);
    const year = q.get('year');
    const portfolio = q.get('portfolio');
    if (year !== null && !/^\d{4}$/.test(year))
      return { status: 400, error: 'year must be four digits' };
    if (portfolio !== null && !/^[A-Za-z0-9_-]{1,64}$/.test(portfolio))
      return { status: 400, error: 'unknown portfolio' };
    const decisions = await s.allocation.decisions.all({
      ...(portfolio ? { portfolioId: portfolio } : {}),
      ...(year ? { year: Number(year) } : {}),
    });
    return { status: 200, entries: publicRegister(decisions) };
  };

  server.get(PUBLIC_REGISTER_JSON, async (req, res) => {
    try {
      const r = await register(req);
      if (!r.entries) res.send(r.status, { error: r.error });
      else
        sendFile(
          res,
          200,
          'application/json; charset=utf-8',
          JSON.stringify(
            { generatedAt: s.clock().toISOString(), count: r.entries.length, projects: r.entries },
            null,
            2,
          ),
        );
    } catch (err) {
      log.error({ err }, 'public register failed');
      res.send(503, { error: 'try again' });
    }
  });

  server.get(PUBLIC_REGISTER_CSV, async (req, res) => {
    try {
      const r = await register(req);
      if (!r.entries) res.send(r.status, { error: r.error });
      else
        sendFile(
          res,
          200,
          'text/csv; charset=utf-8',
          publicRegisterCsv(r.entries),
          'finansierade-projekt.csv',
        );
    } catch (err) {
      log.error({ err }, 'public register failed');
      res.send(503, { error: 'try again' });
    }
  });

  // Insight (issue 7): the register and follow-up exports, and a person's data export (GDPR
  // art. 15), behind the same short-lived signed links; the files are built when fetched.
  const signedFile =
    (
      resolve: (
        path: string,
      ) => Promise<{ filename: string; contentType: string; body: string } | null> | null,
      what: string,
    ) =>
    async (req: restify.Request, res: restify.Response): Promise<void> => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const q = queryOf(req);
      const check = verifySignedPath(
        config.exportSigningSecret,
        path,
        q.get('exp') ?? undefined,
        q.get('sig') ?? undefined,
        s.clock(),
      );
      if (check !== 'ok') {
        res.send(403, { error: check === 'expired' ? 'link expired' : 'invalid link' });
        return;
      }
      try {
        const file = await resolve(path);
        if (!file) res.send(404, { error: 'not found' });
        else sendFile(res, 200, file.contentType, file.body, file.filename);
      } catch (err) {
        log.error({ err }, `${what} export failed`);
        res.send(503, { error: 'try again' });
      }
    };
  server.get(
    '/exports/insight/:file',
    signedFile((path) => {
      const kind = insightExportOfPath(path);
      return kind ? downloadInsightExport(s, kind) : null;
    }, 'insight'),
  );
  server.get(
    '/exports/privacy/:file',
    signedFile((path) => {
      const id = requestIdOfPath(path);
      return id ? renderPersonExport(s, id) : null;
    }, 'personal data'),
  );
}
