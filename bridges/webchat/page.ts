import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'restify';
import { LANGUAGES, isLang, loadResources, type Lang } from '../../services/i18n';
import { projectRoot } from '../../services/paths';

export const STATIC_DIR = join(projectRoot(), 'bridges', 'webchat', 'static');

export interface PageSettings {
  quickExitUrl: string;
  /** How long the server keeps a quiet conversation, told to the user in the privacy notice. */
  keepMinutes: number;
  socketPath: string;
}

/** A served text asset, kept in memory in plain and gzipped form. */
export interface Asset {
  body: Buffer;
  gzipped: Buffer;
  type: string;
  headers: Record<string, string>;
}

/**
 * The chat page is one HTML response (CSS, script and the strings of all three languages inlined)
 * so a phone on 2G makes a single request. Built once per language at start-up; a CSP allows only
 * the inlined script and style, by hash.
 */
export class WebChatPage {
  private readonly byLang: Record<Lang, Asset>;

  constructor(settings: PageSettings, dir = STATIC_DIR) {
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    const template = read('index.html');
    const css = read('chat.css');
    // The page talks through the same DirectLine-like connection that embedding sites use.
    const script = `${read('directline.js')}\n${read('chat.js')}`;
    const resources = loadResources();
    const strings = Object.fromEntries(LANGUAGES.map((l) => [l, resources[l].webchat]));
    const config = JSON.stringify({ ...settings, strings }).replace(/</g, '\\u003c');
    const csp = [
      "default-src 'none'",
      `script-src '${sha256(script)}'`,
      `style-src '${sha256(css)}'`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
    this.byLang = {} as Record<Lang, Asset>;
    for (const lang of LANGUAGES) {
      // Function replacements: the inlined text may contain `$'` and must be taken literally.
      const html = template
        .replace('{{lang}}', () => lang)
        .replace('{{title}}', () => escapeHtml(String((resources[lang].webchat as Record<string, unknown>).title ?? 'Sishu Mitra')))
        .replace('<!--style-->', () => `<style>${css}</style>`)
        .replace('<!--config-->', () => `<script id="config" type="application/json">${config}</script>`)
        .replace('<!--script-->', () => `<script>${script}</script>`);
      this.byLang[lang] = asset(html, 'text/html; charset=utf-8', {
        'content-security-policy': csp,
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      });
    }
  }

  /** `?lang=` first, then the browser's languages, then Assamese. */
  forRequest(req: Request): Asset {
    return this.byLang[chooseLanguage(req)];
  }
}

export function chooseLanguage(req: Request): Lang {
  const asked = new URL(req.url ?? '/', 'http://local').searchParams.get('lang');
  if (isLang(asked)) return asked;
  for (const part of String(req.headers['accept-language'] ?? '').split(',')) {
    const code = part.split(';')[0].trim().slice(0, 2).toLowerCase();
    if (isLang(code)) return code;
  }
  return 'as';
}

export function asset(text: string, type: string, headers: Record<string, string> = {}): Asset {
  const body = Buffer.from(text, 'utf8');
  return { body, gzipped: gzipSync(body, { level: 9 }), type, headers };
}

/** Sends an asset gzipped when the browser takes gzip; never cached (the page leaves no trace). */
export function sendAsset(req: Request, res: Response, item: Asset): void {
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? item.gzipped : item.body;
  res.writeHead(200, {
    ...item.headers,
    'content-type': item.type,
    'cache-control': 'no-store',
    vary: 'accept-encoding, accept-language',
    'content-length': String(body.length),
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(body);
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text).digest('base64')}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
