import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake Graph API received. */
export interface GraphRequest {
  method: string;
  path: string;
  authorization?: string;
  body: Record<string, unknown>;
}

/** A scripted answer for the next POST (a failure to test retries). */
export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Waits this long before answering (to trip the client's timeout). */
  delayMs?: number;
}

type Json = Record<string, unknown>;

/** WhatsApp's documented limits, checked here so a test fails when the bridge breaks one. */
function limitProblem(message: Json): string | undefined {
  const len = (v: unknown) => (typeof v === 'string' ? v.length : Number.NaN);
  const bad = (what: string, v: unknown, max: number) => (!(len(v) >= 1 && len(v) <= max) ? `${what} must be 1-${max} characters` : undefined);
  if (message.messaging_product !== 'whatsapp') return 'messaging_product must be whatsapp';
  if (typeof message.to !== 'string' || !/^\d{5,20}$/.test(message.to)) return 'to must be a phone number';
  switch (message.type) {
    case 'text':
      return bad('text.body', (message.text as Json | undefined)?.body, 4096);
    case 'template': {
      const template = message.template as { name?: unknown; language?: { code?: unknown } } | undefined;
      return bad('template.name', template?.name, 512) ?? bad('template.language.code', template?.language?.code, 15);
    }
    case 'interactive': {
      const i = message.interactive as { type?: string; body?: { text?: unknown }; action?: Json } | undefined;
      const problem = bad('interactive.body.text', i?.body?.text, 1024);
      if (problem) return problem;
      if (i?.type === 'button') {
        const buttons = (i.action?.buttons ?? []) as { reply?: { id?: unknown; title?: unknown } }[];
        if (buttons.length < 1 || buttons.length > 3) return 'between 1 and 3 buttons';
        const titles = buttons.map((b) => String(b.reply?.title ?? '').toLowerCase());
        if (new Set(titles).size !== titles.length) return 'button titles must be unique';
        return buttons.map((b) => bad('button title', b.reply?.title, 20) ?? bad('button id', b.reply?.id, 256)).find(Boolean);
      }
      if (i?.type === 'list') {
        const sections = (i.action?.sections ?? []) as { rows?: { id?: unknown; title?: unknown; description?: unknown }[] }[];
        const rows = sections.flatMap((s) => s.rows ?? []);
        if (rows.length < 1 || rows.length > 10) return 'between 1 and 10 rows';
        if (new Set(rows.map((r) => r.id)).size !== rows.length) return 'row ids must be unique';
        return (
          bad('list button', i.action?.button, 20) ??
          rows.map((r) => bad('row title', r.title, 24) ?? bad('row id', r.id, 200) ?? (r.description === undefined ? undefined : bad('row description', r.description, 72))).find(Boolean)
        );
      }
      if (i?.type === 'location_request_message') return (i.action as { name?: unknown } | undefined)?.name === 'send_location' ? undefined : 'action.name must be send_location';
      return 'unknown interactive type';
    }
    default:
      return 'unknown message type';
  }
}

/**
 * A loopback server speaking the WhatsApp Cloud API's `POST /{version}/{phone-number-id}/messages`
 * as documented: bearer token checked, the payload checked against the documented limits
 * (error code 100 / 131009 as Graph answers), a wamid per accepted message. It records every
 * request, including any it does not serve (a media download would show up here).
 */
export class GraphApiServer {
  readonly requests: GraphRequest[] = [];
  /** The messages it accepted (answered 200), in order. */
  readonly sent: GraphRequest[] = [];
  private readonly script: ScriptedAnswer[] = [];
  private readonly events = new EventEmitter();
  private counter = 0;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    private readonly accessToken: string,
  ) {}

  static async start(accessToken: string, version = 'v21.0'): Promise<GraphApiServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const instance = new GraphApiServer(server, `http://127.0.0.1:${port}/${version}`, accessToken);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void instance.handle(req, res));
    return instance;
  }

  /** The next POSTs get these answers, in order, instead of success. */
  answerNext(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  /** Resolves once `count` messages have been accepted; rejects after `timeoutMs`. */
  async waitForSent(count: number, timeoutMs = 10_000): Promise<GraphRequest[]> {
    if (this.sent.length >= count) return this.sent;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('sent', check);
        reject(new Error(`expected ${count} messages sent, got ${this.sent.length}`));
      }, timeoutMs);
      const check = () => {
        if (this.sent.length < count) return;
        clearTimeout(timer);
        this.events.off('sent', check);
        resolve(this.sent);
      };
      this.events.on('sent', check);
    });
  }

  reset(): void {
    this.requests.length = 0;
    this.sent.length = 0;
    this.script.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Json = {};
    try {
      body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json) : {};
    } catch {
      body = {};
    }
    const record: GraphRequest = { method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body };
    this.requests.push(record);
    const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(json));
    };
    if (req.method !== 'POST' || !/^\/v[\d.]+\/[^/]+\/messages$/.test(req.url ?? '')) {
      answer(404, { error: { message: 'Unknown path components', type: 'OAuthException', code: 2500 } });
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.accessToken}`) {
      answer(401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
      return;
    }
    const scripted = this.script.shift();
    if (scripted) {
      if (scripted.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
      if (!res.destroyed) answer(scripted.status, scripted.body ?? {}, scripted.headers);
      return;
    }
    const problem = limitProblem(body);
    if (problem) {
      answer(400, { error: { message: `(#131009) Parameter value is not valid: ${problem}`, type: 'OAuthException', code: 131009 } });
      return;
    }
    this.sent.push(record);
    const wamid = `wamid.TEST${++this.counter}`;
    answer(200, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: wamid }] });
    this.events.emit('sent');
  }
}
