import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { createLogger } from '../../services/logger';
import { MemoryHandoffStore } from '../../services/handoff/MemoryHandoffStore';
import { createHandoffMetrics } from '../../services/handoff/metrics';
import { webhookAlert } from '../../services/handoff/supervisorAlert';
import { request, TEST_TIMINGS } from '../support/handoffContract';

/** A loopback webhook receiver that answers with the given status and records what it got. */
const servers: Server[] = [];

async function receiver(status: number): Promise<{ url: string; bodies: Promise<unknown>[] }> {
  const bodies: Promise<unknown>[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    bodies.push(
      new Promise((resolve) => {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
        req.on('end', () => {
          // Two statements: restify patches ServerResponse.prototype.writeHead in this worker, and its version returns nothing.
          res.writeHead(status);
          res.end();
          resolve({ method: req.method, type: req.headers['content-type'], body: JSON.parse(raw) as unknown });
        });
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, bodies };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 250 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('supervisor alert webhook', () => {
  const logger = createLogger({ level: 'silent' });
  afterAll(async () => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('posts what a supervisor needs to act on an urgent chat, and never what the user wrote', async () => {
    const hook = await receiver(204);
    const store = new MemoryHandoffStore(TEST_TIMINGS);
    const { chat } = await store.enqueue(request({ priority: 1, summary: 'my uncle hurts me', caseRef: 'SM-123' }));
    webhookAlert(hook.url, logger)(chat, 'no-counsellor');
    await until(() => hook.bodies.length > 0);
    const got = (await hook.bodies[0]) as { method: string; type: string; body: Record<string, unknown> };
    expect(got).toMatchObject({ method: 'POST', type: 'application/json' });
    expect(got.body).toMatchObject({ event: 'handoff.urgent-waiting', reason: 'no-counsellor', chatId: chat.id, priority: 1, caseRef: 'SM-123' });
    expect(JSON.stringify(got.body)).not.toContain('uncle');
  });

  it('never throws when the webhook refuses', async () => {
    const hook = await receiver(500);
    const store = new MemoryHandoffStore(TEST_TIMINGS);
    const { chat } = await store.enqueue(request({ priority: 2 }));
    expect(() => webhookAlert(hook.url, logger)(chat, 'out-of-hours')).not.toThrow();
    await until(() => hook.bodies.length > 0);
    await hook.bodies[0];
  });
});

describe('handoff metrics', () => {
  it('reports the queue length by priority and language from the shared queue', async () => {
    const store = new MemoryHandoffStore(TEST_TIMINGS);
    const registry = new Registry();
    createHandoffMetrics(registry, store);
    for (const [language, priority] of [['as', 1], ['as', 1], ['hi', 3]] as const) {
      const { chat } = await store.enqueue(request({ language, priority }));
      await store.open(chat.id);
    }
    const text = await registry.metrics();
    expect(text).toContain('sishu_handoff_queue_length{priority="1",language="as"} 2');
    expect(text).toContain('sishu_handoff_queue_length{priority="3",language="hi"} 1');
  });
});
