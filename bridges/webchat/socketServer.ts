import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../services/logger';
import { errSummary } from '../../services/http/server';
import { isLang } from '../../services/i18n';
import type { ConversationLog } from './conversationLog';
import type { RateLimitOptions } from './rateLimit';
import { SocketSession, type SessionStart } from './SocketSession';
import type { WebChatAdapter } from './WebChatAdapter';

export const SOCKET_PATH = '/webchat/ws';

export interface SocketServerOptions {
  allowedOrigins: string[];
  /** Largest frame a page may send; ws closes the socket (1009) on a bigger one. */
  maxFrameBytes: number;
  rateLimit: RateLimitOptions;
  heartbeatMs: number;
  serviceUrl: string;
}

/**
 * The web chat socket: checks the Origin before the upgrade, then opens (or resumes, with the
 * page's token) a conversation and hands the socket to a SocketSession. A socket's failure ends
 * that socket only.
 */
export class WebChatSocketServer {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<SocketSession>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly allowed: Set<string>;

  constructor(
    private readonly log: ConversationLog,
    private readonly adapter: WebChatAdapter,
    private readonly logger: Logger,
    private readonly opts: SocketServerOptions,
  ) {
    this.allowed = new Set(opts.allowedOrigins);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxFrameBytes, perMessageDeflate: false });
    this.heartbeat = setInterval(() => this.beat(), opts.heartbeatMs);
    this.heartbeat.unref();
  }

  attach(server: HttpServer): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(req.url ?? '/', 'http://local').pathname !== SOCKET_PATH) return; // another route's upgrade
      this.upgrade(req, socket, head);
    });
  }

  get openSockets(): number {
    return this.sessions.size;
  }

  /** Closes every socket with 1001 ("going away"): pages reconnect to another instance. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const client of this.wss.clients) client.close(1001, 'server restarting');
    await Promise.all([...this.sessions].map((s) => s.close()));
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const origin = req.headers.origin ?? '';
    if (!this.allowed.has(origin)) {
      refuse(socket, 403, 'origin not allowed');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.connect(ws, new URL(req.url ?? '/', 'http://local').searchParams).catch((err: unknown) => {
        this.logger.warn({ err: errSummary(err) }, 'webchat: could not open a conversation');
        ws.close(1011, 'try again');
      });
    });
  }

  private async connect(ws: WebSocket, query: URLSearchParams): Promise<void> {
    ws.on('error', () => ws.terminate());
    const locale = query.get('locale') ?? undefined;
    const watermark = Math.max(0, Math.floor(Number(query.get('watermark') ?? 0)) || 0);
    const wanted = query.get('conversationId');
    const token = query.get('token');
    const resumes = wanted !== null && token !== null && (await this.log.verify(wanted, token));
    const start: SessionStart = resumes
      ? { conversationId: wanted, watermark, locale: isLang(locale) ? locale : undefined }
      : { ...(await this.log.open()), watermark: 0, locale: isLang(locale) ? locale : undefined };
    const session = new SocketSession(ws, start, this.log, this.adapter, this.logger, this.opts.rateLimit, this.opts.serviceUrl);
    this.sessions.add(session);
    ws.on('close', () => {
      this.sessions.delete(session);
      void session.close();
    });
    if (ws.readyState === ws.OPEN) await session.open(!resumes);
  }

  private beat(): void {
    for (const session of this.sessions) session.ping();
  }
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${reason.length}\r\n\r\n${reason}`);
}
