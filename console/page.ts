import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response, Server } from 'restify';
import { route, sendText } from '../services/http/server';
import type { Logger } from '../services/logger';
import { projectRoot } from '../services/paths';

const STATIC_DIR = join(projectRoot(), 'console', 'static');

const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
};

/** Only our own files: no inline script, so a user's words rendered by mistake as HTML could still not run. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** The console page and its two assets, read once at start-up. */
export function registerConsolePage(server: Server, logger: Logger): void {
  const files = new Map(Object.entries(TYPES).map(([name, type]) => [name, { body: readFileSync(join(STATIC_DIR, name), 'utf8'), type }]));
  const send = (res: Response, name: string) => {
    const file = files.get(name);
    if (!file) return sendText(res, 404, 'no such file');
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
    res.end(file.body);
  };
  const page = route(logger, async (_req, res) => send(res, 'index.html'));
  server.get('/console', page);
  server.get('/console/', page);
  server.get('/console/static/:file', route(logger, async (req, res) => {
    const name = String(req.params?.file ?? '');
    send(res, name === 'index.html' ? '' : name);
  }));
}
