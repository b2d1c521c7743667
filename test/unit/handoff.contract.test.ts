import Redis from 'ioredis';
import { createLogger } from '../../services/logger';
import { MemoryHandoffStore } from '../../services/handoff/MemoryHandoffStore';
import { RedisHandoffStore } from '../../services/handoff/RedisHandoffStore';
import { handoffContract, TEST_TIMINGS, TestClock } from '../support/handoffContract';
import { deleteByPrefix, randomPrefix, TEST_REDIS_URL } from '../support/redis';

const logger = createLogger({ level: 'silent' });

handoffContract('memory (demo mode)', async () => {
  const clock = new TestClock();
  const shared = new MemoryHandoffStore(TEST_TIMINGS, clock.now);
  return {
    clock,
    // One process in demo mode: every "instance" is the same store; a changed timing is a store of its own.
    open: (timings) => (timings ? new MemoryHandoffStore({ ...TEST_TIMINGS, ...timings }, clock.now) : shared),
    cleanup: async () => undefined,
  };
});

handoffContract('redis', async () => {
  const clock = new TestClock();
  const prefix = randomPrefix('handoff');
  const connections: Redis[] = [];
  const connect = (): Redis => {
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return redis;
  };
  return {
    clock,
    open: (timings) =>
      new RedisHandoffStore({
        redis: connect(), openBlocking: connect, prefix, logger, clock: clock.now, timings: { ...TEST_TIMINGS, ...timings },
      }),
    cleanup: async () => {
      await deleteByPrefix(connections[0], prefix);
      await Promise.all(connections.map((redis) => redis.quit().catch(() => undefined)));
    },
  };
});
