import { once } from 'node:events';
import { createLogger } from '../../services/logger';
import { createRedis, type Redis } from '../../services/redis';
import { GraphApiServer } from '../support/graphApiServer';
import { OwnRedisServer } from '../support/redisServer';
import { ACCESS_TOKEN, newNumber, post, startBridge, texts, type Harness } from '../support/whatsappHarness';
import { textWebhook } from '../support/whatsappWebhooks';

/** Redis stops under the bridge: nothing is acknowledged that is not stored, and nothing is lost. */
describe('WhatsApp bridge when Redis goes away', () => {
  let own: OwnRedisServer;
  let redis: Redis;
  let graph: GraphApiServer;
  let h: Harness;

  beforeAll(async () => {
    own = await OwnRedisServer.start();
    redis = createRedis(own.url, 'wa-down-test', createLogger({ level: 'silent' }));
    if (redis.status !== 'ready') await once(redis, 'ready');
    graph = await GraphApiServer.start(ACCESS_TOKEN);
    h = await startBridge(graph, redis, 'down:');
  });
  afterAll(async () => {
    await h.close();
    redis.disconnect();
    await graph.close();
    await own.stop();
  });

  it('answers 503 while Redis is down, and accepts and answers the same webhook once it is back', async () => {
    const number = newNumber();
    expect((await post(h.url, textWebhook(number, 'before'))).status).toBe(200);
    await graph.waitForSent(1);

    await own.stop();
    const during = textWebhook(number, 'during the outage');
    const refused = await post(h.url, during);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBeTruthy();

    await own.restart();
    // Meta delivers again until it gets a 200; do the same until the connection is back.
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await post(h.url, during)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    await graph.waitForSent(2, 15_000);
    expect(texts(graph.sent)).toEqual(['echo: before', 'echo: during the outage']);
  });
});
