import { CircuitBreaker } from '../../bridges/whatsapp/circuitBreaker';
import { GraphClient, GraphSendError } from '../../bridges/whatsapp/graphClient';
import { GraphApiServer } from '../support/graphApiServer';
import { PHONE_NUMBER_ID } from '../support/whatsappWebhooks';

const TOKEN = 'EAAsecret-token-value';
const to = '919812345678';
const hello = { type: 'text' as const, text: { body: 'hello', preview_url: false } };

describe('GraphClient against a loopback Graph API', () => {
  let graph: GraphApiServer;
  let waits: number[];
  const client = (opts: { breaker?: CircuitBreaker; timeoutMs?: number; token?: string } = {}) =>
    new GraphClient({
      baseUrl: graph.baseUrl,
      phoneNumberId: PHONE_NUMBER_ID,
      accessToken: opts.token ?? TOKEN,
      breaker: opts.breaker ?? new CircuitBreaker(),
      timeoutMs: opts.timeoutMs ?? 2000,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });

  beforeAll(async () => {
    graph = await GraphApiServer.start(TOKEN);
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.reset();
    waits = [];
  });

  it('posts the documented body with the bearer token and returns the wamid', async () => {
    const wamid = await client().send(to, hello);
    expect(wamid).toMatch(/^wamid\./);
    expect(graph.sent[0].body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body: 'hello', preview_url: false } });
  });

  it('retries a 429 after the Retry-After it was given', async () => {
    graph.answerNext({ status: 429, headers: { 'retry-after': '2' }, body: { error: { code: 130429, message: 'Rate limit hit' } } });
    await client().send(to, hello);
    expect(waits).toEqual([2000]);
    expect(graph.requests).toHaveLength(2);
  });

  it('retries Graph throughput errors sent as HTTP 400', async () => {
    graph.answerNext({ status: 400, body: { error: { code: 131056, message: 'pair rate limit' } } });
    await client().send(to, hello);
    expect(graph.requests).toHaveLength(2);
  });

  it('backs off on 5xx and gives up after 3 attempts, naming the reason but never the token', async () => {
    graph.answerNext(...Array.from({ length: 3 }, () => ({ status: 503, body: { error: { code: 2, message: 'Service temporarily unavailable' } } })));
    const error = await client().send(to, hello).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphSendError);
    expect(error).toMatchObject({ reason: 'server', status: 503 });
    expect(String((error as Error).message)).not.toContain(TOKEN);
    expect(graph.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('does not retry a refused message, and does not let it open the breaker', async () => {
    const breaker = new CircuitBreaker(1, 60_000);
    graph.answerNext({ status: 400, body: { error: { code: 131026, message: 'Message undeliverable' } } });
    await expect(client({ breaker }).send(to, hello)).rejects.toMatchObject({ reason: 'rejected', code: 131026 });
    expect(graph.requests).toHaveLength(1);
    expect(breaker.isOpen).toBe(false);
  });

  it('names a send outside the 24-hour window', async () => {
    graph.answerNext({ status: 400, body: { error: { code: 131047, message: 'Re-engagement message' } } });
    await expect(client().send(to, hello)).rejects.toMatchObject({ reason: 'window-closed' });
  });

  it('times out a silent Graph API and retries', async () => {
    graph.answerNext({ status: 200, delayMs: 1000, body: {} });
    const wamid = await client({ timeoutMs: 100 }).send(to, hello);
    expect(wamid).toMatch(/^wamid\./);
    expect(graph.requests).toHaveLength(2);
  });

  it('opens the circuit after repeated failed sends and then fails fast without calling', async () => {
    const breaker = new CircuitBreaker(2, 60_000);
    graph.answerNext(...Array.from({ length: 6 }, () => ({ status: 500 })));
    const c = client({ breaker });
    await expect(c.send(to, hello)).rejects.toMatchObject({ reason: 'server' });
    await expect(c.send(to, hello)).rejects.toMatchObject({ reason: 'server' });
    const calls = graph.requests.length;
    await expect(c.send(to, hello)).rejects.toMatchObject({ reason: 'circuit-open' });
    expect(graph.requests.length).toBe(calls);
  });

  it('refuses a wrong token as the Graph API does (code 190), without retrying', async () => {
    await expect(client({ token: 'wrong' }).send(to, hello)).rejects.toMatchObject({ reason: 'rejected', status: 401, code: 190 });
    expect(graph.requests).toHaveLength(1);
  });
});
