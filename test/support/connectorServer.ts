import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One activity the bot sent to the channel outside a request (a counsellor's message, a notice). */
export interface ConnectorActivity {
  conversationId: string;
  type?: string;
  text?: string;
}

/**
 * A loopback Bot Connector: the `serviceUrl` of Bot Framework activities. It answers the
 * documented `POST /v3/conversations/{conversationId}/activities[/{activityId}]` with a resource
 * id and records what it got, per conversation, in arrival order. Anything else gets a 404 (and is
 * recorded in `unexpected`).
 */
export class ConnectorServer {
  readonly received: ConnectorActivity[] = [];
  readonly unexpected: string[] = [];
  private readonly listeners = new Map<string, (activity: ConnectorActivity) => void>();
  private counter = 0;

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<ConnectorServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const instance = new ConnectorServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void instance.handle(req, res));
    return instance;
  }

  /** Calls `listener` for each activity sent to this conversation from now on. */
  onActivity(conversationId: string, listener: (activity: ConnectorActivity) => void): void {
    this.listeners.set(conversationId, listener);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      this.unexpected.push(`${req.method} ${req.url}`);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NotFound', message: 'unknown path' } }));
      return;
    }
    let body: { type?: string; text?: string } = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      body = {};
    }
    const activity: ConnectorActivity = { conversationId: decodeURIComponent(match[1]), type: body.type, text: body.text };
    this.received.push(activity);
    this.listeners.get(activity.conversationId)?.(activity);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `activity-${++this.counter}` }));
  }
}
