import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'restify';
import type { Config } from '../../services/config';
import type { Logger } from '../../services/logger';
import type { Redis } from '../../services/redis';
import { route, sendText } from '../../services/http/server';
import { DEFAULT_LOG_OPTIONS, type ConversationLog, type ConversationLogOptions } from './conversationLog';
import { MemoryConversationLog } from './memoryConversationLog';
import { RedisConversationLog } from './redisConversationLog';
import { DEFAULT_RATE_LIMIT, type RateLimitOptions } from './rateLimit';
import { SOCKET_PATH, WebChatSocketServer } from './socketServer';
import { STATIC_DIR, WebChatPage, asset, sendAsset } from './page';
import { WebChatAdapter, type Bot } from './WebChatAdapter';

export { WebChatAdapter, SOCKET_PATH };
export type { Bot };

export interface WebChatDeps {
  config: Pick<Config, 'publicBaseUrl' | 'webchatAllowedOrigins' | 'QUICK_EXIT_URL' | 'REDIS_KEY_PREFIX'>;
  /** Unset in demo mode: the conversation log then lives in this process. */
  redis: Redis | undefined;
  bot: Bot;
  logger: Logger;
  /** Installs onTurnError and the shared middleware (bots/configureAdapter). */
  configureAdapter: (adapter: WebChatAdapter) => void;
  /** Tests and benchmarks tune these; production takes the defaults. */
  tuning?: Partial<WebChatTuning>;
}

export interface WebChatTuning {
  log: ConversationLogOptions;
  rateLimit: RateLimitOptions;
  maxFrameBytes: number;
  heartbeatMs: number;
}

const DEFAULT_TUNING: WebChatTuning = {
  log: DEFAULT_LOG_OPTIONS,
  rateLimit: DEFAULT_RATE_LIMIT,
  maxFrameBytes: 16 * 1024,
  heartbeatMs: 30_000,
};

export interface WebChat {
  adapter: WebChatAdapter;
  log: ConversationLog;
  sockets: WebChatSocketServer;
  /** Closes every socket (pages reconnect elsewhere) and the log's subscriber; call before server.close. */
  close(): Promise<void>;
}

/** Serves `/`, `/webchat/ws` and `/webchat/directline.js` on the service's restify server. */
export function registerWebChat(server: Server, deps: WebChatDeps): WebChat {
  const tuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const log: ConversationLog = deps.redis
    ? new RedisConversationLog(deps.redis, deps.logger, deps.config.REDIS_KEY_PREFIX, tuning.log)
    : new MemoryConversationLog(tuning.log);
  const adapter = new WebChatAdapter(log, deps.bot);
  deps.configureAdapter(adapter);
  const sockets = new WebChatSocketServer(log, adapter, deps.logger, {
    allowedOrigins: deps.config.webchatAllowedOrigins,
    maxFrameBytes: tuning.maxFrameBytes,
    rateLimit: tuning.rateLimit,
    heartbeatMs: tuning.heartbeatMs,
    serviceUrl: deps.config.publicBaseUrl,
  });
  sockets.attach(server.server);

  const page = new WebChatPage({
    quickExitUrl: deps.config.QUICK_EXIT_URL,
    keepMinutes: Math.round(tuning.log.ttlSeconds / 60),
    socketPath: SOCKET_PATH,
  });
  const directLine = asset(readFileSync(join(STATIC_DIR, 'directline.js'), 'utf8'), 'application/javascript; charset=utf-8', {
    'x-content-type-options': 'nosniff',
    'access-control-allow-origin': '*',
  });
  server.get('/', route(deps.logger, async (req, res) => sendAsset(req, res, page.forRequest(req))));
  server.get('/webchat/directline.js', route(deps.logger, async (req, res) => sendAsset(req, res, directLine)));
  server.get(SOCKET_PATH, route(deps.logger, async (_req, res) => sendText(res, 426, 'this address takes a WebSocket')));

  return {
    adapter,
    log,
    sockets,
    async close() {
      await sockets.close();
      await log.close();
    },
  };
}
