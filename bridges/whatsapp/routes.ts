import type { Request, Response, Server } from 'restify';
import type { Registry } from 'prom-client';
import type { Config } from '../../services/config';
import { BadRequest, parseJsonObject, readRawBody, requireContentType } from '../../services/http/body';
import { route, sendText } from '../../services/http/server';
import type { Translator } from '../../services/i18n';
import type { Logger } from '../../services/logger';
import type { Redis } from '../../services/redis';
import { WhatsAppAdapter } from './adapter';
import { CircuitBreaker } from './circuitBreaker';
import { GraphClient, type GraphClientOptions } from './graphClient';
import { WhatsAppIdentity } from './identity';
import { MemoryWhatsAppStore } from './memoryStore';
import { RedisWhatsAppStore } from './redisStore';
import { isSignatureValid, secretsEqual } from './signature';
import type { WhatsAppStore } from './store';
import { parseWebhook, type ParsedWebhook } from './webhookPayload';
import { createWhatsAppMetrics, type WhatsAppMetrics } from './whatsappMetrics';
import { WhatsAppWorker, type TurnRunner, type WorkerOptions } from './worker';

type WhatsAppConfig = Pick<
  Config,
  | 'WHATSAPP_VERIFY_TOKEN'
  | 'WHATSAPP_APP_SECRET'
  | 'WHATSAPP_ACCESS_TOKEN'
  | 'WHATSAPP_PHONE_NUMBER_ID'
  | 'WHATSAPP_GRAPH_URL'
  | 'WHATSAPP_TEMPLATE_NAME'
  | 'WHATSAPP_TEMPLATE_LANGUAGES'
  | 'WHATSAPP_WORKER'
  | 'CASE_ENCRYPTION_KEY'
  | 'REDIS_KEY_PREFIX'
>;

export interface WhatsAppDeps {
  config: WhatsAppConfig;
  /** The shared connection; absent in demo mode (the inbox then lives in memory). */
  redis?: Redis;
  bot: TurnRunner;
  i18n: Translator;
  logger: Logger;
  metrics: { registry: Registry };
  /** Installs the bot's error handler and middleware (bots/configureAdapter.ts). */
  configureAdapter?: (adapter: WhatsAppAdapter) => void;
  /** Timeouts and retry pacing, for tests and benchmarks. */
  graphOptions?: Partial<Pick<GraphClientOptions, 'timeoutMs' | 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'sleep'>>;
  workerOptions?: Partial<Pick<WorkerOptions, 'concurrency' | 'blockMs' | 'maxTurnAttempts' | 'retryDelayMs'>>;
}

export interface WhatsAppBridge {
  adapter: WhatsAppAdapter;
  store: WhatsAppStore;
  worker: WhatsAppWorker;
  /** Stops taking stored messages, lets turns in flight finish, closes the inbox's own connection. */
  stop(): Promise<void>;
}

/**
 * Adds `GET /api/whatsapp` (verification) and `POST /api/whatsapp` (webhooks) and, unless
 * WHATSAPP_WORKER is off, starts the worker that runs the bot on stored messages. Returns
 * undefined, registering nothing, when the WhatsApp settings are not all given (the bridge is off).
 */
export function registerWhatsApp(server: Server, deps: WhatsAppDeps): WhatsAppBridge | undefined {
  const { config, logger } = deps;
  const { WHATSAPP_VERIFY_TOKEN: verifyToken, WHATSAPP_APP_SECRET: appSecret, WHATSAPP_ACCESS_TOKEN: accessToken, WHATSAPP_PHONE_NUMBER_ID: phoneNumberId } = config;
  if (!verifyToken || !appSecret || !accessToken || !phoneNumberId) {
    logger.info('WhatsApp bridge off: set WHATSAPP_VERIFY_TOKEN, WHATSAPP_APP_SECRET, WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID to turn it on');
    return undefined;
  }
  const metrics = createWhatsAppMetrics(deps.metrics.registry);
  const identity = new WhatsAppIdentity(appSecret, Buffer.from(config.CASE_ENCRYPTION_KEY, 'base64'));
  const store: WhatsAppStore = deps.redis ? new RedisWhatsAppStore(deps.redis, config.REDIS_KEY_PREFIX) : new MemoryWhatsAppStore();
  const graph = new GraphClient({ baseUrl: config.WHATSAPP_GRAPH_URL, phoneNumberId, accessToken, breaker: new CircuitBreaker(), ...deps.graphOptions });
  const reengagement = config.WHATSAPP_TEMPLATE_NAME
    ? { name: config.WHATSAPP_TEMPLATE_NAME, languages: config.WHATSAPP_TEMPLATE_LANGUAGES.split(',') }
    : undefined;
  const adapter = new WhatsAppAdapter({ graph, store, identity, i18n: deps.i18n, logger, metrics, reengagement });
  deps.configureAdapter?.(adapter);
  const worker = new WhatsAppWorker({ store, adapter, bot: deps.bot, botId: phoneNumberId, logger, metrics, ...deps.workerOptions });

  server.get('/api/whatsapp', route(logger, async (req, res) => verify(req, res, verifyToken)));
  server.post(
    '/api/whatsapp',
    route(logger, async (req, res) => {
      requireContentType(req, 'application/json');
      const raw = await readRawBody(req);
      if (!isSignatureValid(raw, req.header('x-hub-signature-256'), appSecret)) {
        metrics.rejected.inc({ reason: 'signature' });
        throw new BadRequest(401, 'missing or wrong X-Hub-Signature-256');
      }
      const webhook = parseWebhook(parseJsonObject(raw), phoneNumberId);
      countIgnored(webhook, metrics, logger);
      let outcomes: ('stored' | 'duplicate')[];
      try {
        outcomes = await Promise.all(
          webhook.messages.map(({ number, ...m }) => store.append({ ...m, userId: identity.userId(number) }, identity.sealNumber(number))),
        );
      } catch (err) {
        // Not stored, so not acknowledged: Meta delivers it again later.
        metrics.rejected.inc({ reason: 'store' });
        logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'whatsapp inbox unavailable; answering 503');
        res.setHeader('retry-after', '30');
        sendText(res, 503, 'cannot store the message now; please retry');
        return;
      }
      for (const outcome of outcomes) metrics.inbound.inc({ outcome });
      sendText(res, 200, 'ok');
    }),
  );
  // Off: this instance only stores and acknowledges; instances with the worker on answer, so bot
  // turns never delay an acknowledgement here.
  const runsWorker = config.WHATSAPP_WORKER === 'on' || !deps.redis;
  if (runsWorker) worker.start();
  logger.info({ store: deps.redis ? 'redis' : 'memory', worker: runsWorker ? 'on' : 'off' }, 'WhatsApp bridge on');
  return {
    adapter,
    store,
    worker,
    async stop() {
      await worker.stop();
      await store.close();
    },
  };
}

/** Meta's subscription handshake: the challenge back when the mode and token are right, else 403. */
function verify(req: Request, res: Response, verifyToken: string): void {
  const query = new URL(req.url ?? '', 'http://localhost').searchParams;
  if (query.get('hub.mode') !== 'subscribe' || !secretsEqual(query.get('hub.verify_token') ?? '', verifyToken)) {
    sendText(res, 403, 'verification failed');
    return;
  }
  const challenge = query.get('hub.challenge') ?? '';
  if (!/^[\w.-]{1,256}$/.test(challenge)) throw new BadRequest(400, 'hub.challenge is missing or malformed');
  sendText(res, 200, challenge);
}

function countIgnored(webhook: ParsedWebhook, metrics: WhatsAppMetrics, logger: Logger): void {
  for (const event of webhook.ignored) {
    metrics.ignored.inc({ kind: event.kind });
    // A message we sent was not delivered: worth a line (codes only, never the recipient).
    if (event.errorCodes?.length) logger.warn({ kind: event.kind, codes: event.errorCodes }, 'whatsapp reported a failed message');
  }
}
