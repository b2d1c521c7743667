import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConversationState, MemoryStorage, UserState, type Storage } from 'botbuilder';
import type { Server } from 'restify';
import { HelplineBot } from './bots/HelplineBot';
import { configureAdapter } from './bots/configureAdapter';
import { registerWhatsApp } from './bridges/whatsapp';
import { registerWebChat } from './bridges/webchat';
import { QueueCallbackDesk, registerIvr } from './bridges/ivr';
import { createDemoSupervisor, registerConsole, type CounsellorConsole } from './console';
import { Replies } from './bots/replies';
import { CounsellorDialog } from './dialogs/CounsellorDialog';
import { TeacherGuideDialog } from './dialogs/TeacherGuideDialog';
import { ReportDialog } from './dialogs/ReportDialog';
import { ReportSubmitter } from './dialogs/report/submit';
import { announcingCaseStore, createCaseStore } from './services/cases';
import { loadGazetteer } from './services/directory/gazetteer';
import { FindHelpDialog } from './dialogs/FindHelpDialog';
import { ConfigError, loadConfig, type Config } from './services/config';
import { createHttpServer, route, sendJson, sendText } from './services/http/server';
import { messagesHandler } from './services/http/messages';
import { reuseConnectorClients } from './services/http/connectorClients';
import { createDirectory } from './services/directory';
import { createHandoffService, type HandoffService } from './services/handoff';
import type { Proactive } from './services/handoff/HandoffDesk';
import { createI18n } from './services/i18n';
import { createLogger, type Logger } from './services/logger';
import { createMetrics, type Metrics } from './services/metrics';
import { createRedis, sentinelOf, untilReady, type Redis } from './services/redis';
import { RedisStorage } from './services/storage/RedisStorage';
import { createUnderstanding } from './services/understanding';
import type { DestinationStream } from 'pino';

export interface AppOverrides {
  /** Where log lines go (tests read them); stdout when unset. */
  logDestination?: DestinationStream;
}

export interface App {
  config: Config;
  server: Server;
  logger: Logger;
  metrics: Metrics;
  redis?: Redis;
  bot: HelplineBot;
  handoff: HandoffService;
  counsellorConsole: CounsellorConsole;
  /** The demo supervisor's sign-in, made once per demo-mode start; null otherwise. */
  demoLogin: { username: string; password: string } | null;
  /** Listens on config.PORT; resolves to the base URL. */
  start(): Promise<string>;
  /** Stops accepting, lets turns in flight finish, closes Redis. */
  stop(): Promise<void>;
}

/** The composition root: config in, every service, the bot and the bridges built and wired here. */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = createLogger({ level: config.LOG_LEVEL, destination: overrides.logDestination });
  const metrics = createMetrics();
  const i18n = createI18n();
  const replies = new Replies(i18n);
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL, 'main', logger, { sentinel: sentinelOf(config) }) : undefined;
  if (redis && !(await untilReady(redis))) logger.warn('redis does not answer yet: starting anyway, /readyz says 503 until it does');
  const retentionSeconds = config.RETENTION_DAYS * 86400;

  const storage: Storage = redis ? new RedisStorage(redis, `${config.REDIS_KEY_PREFIX}state:`, retentionSeconds) : new MemoryStorage();
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const understanding = createUnderstanding({ azureEndpoint: config.AZURE_LANGUAGE_ENDPOINT, azureKey: config.AZURE_LANGUAGE_KEY, logger });

  const handoff = createHandoffService({
    settings: config,
    redis,
    // The live event reader blocks on XREAD, so it gets a connection of its own.
    openBlocking: config.REDIS_URL ? () => createRedis(config.REDIS_URL!, 'handoff-events', logger, { blocking: true, sentinel: sentinelOf(config) }) : undefined,
    i18n,
    conversationState,
    registry: metrics.registry,
    logger,
  });
  const directory = createDirectory({ redis, keyPrefix: config.REDIS_KEY_PREFIX, logger });
  // Every new or changed case is announced (its reference only) to the consoles on every instance.
  const caseStore = announcingCaseStore(
    createCaseStore({ redis, keyPrefix: config.REDIS_KEY_PREFIX, encryptionKey: config.CASE_ENCRYPTION_KEY, retentionDays: config.RETENTION_DAYS }),
    (ref) => handoff.store.signal({ type: 'case', ref }),
  );
  const journeys = [
    new ReportDialog({ replies, i18n, places: loadGazetteer(), submitter: new ReportSubmitter(caseStore, logger, handoff.store) }),
    new FindHelpDialog(replies, directory),
    new TeacherGuideDialog(replies, i18n),
    new CounsellorDialog(handoff.desk),
  ];
  const bot = new HelplineBot({ conversationState, userState, understanding, replies, journeys, logger, metrics, handoff: handoff.desk });
  const adapterDeps = { logger, metrics, replies };

  const auth = reuseConnectorClients(new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppPassword: config.MicrosoftAppPassword,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
    MicrosoftAppType: config.MicrosoftAppType,
  }));
  const cloudAdapter = configureAdapter(new CloudAdapter(auth), adapterDeps);

  const server = createHttpServer();
  let inFlight = 0;
  let stopping = false;
  const tracked = <T>(work: () => Promise<T>): Promise<T> => {
    inFlight++;
    return work().finally(() => inFlight--);
  };
  const runBot = (context: Parameters<HelplineBot['run']>[0]) => tracked(() => bot.run(context));

  server.post('/api/messages', route(logger, messagesHandler(cloudAdapter, runBot)));
  const whatsapp = registerWhatsApp(server, { config, redis, bot: { run: runBot }, i18n, logger, metrics, configureAdapter: (adapter) => configureAdapter(adapter, adapterDeps) });
  const webchat = registerWebChat(server, { config, redis, bot: { run: runBot }, logger, configureAdapter: (adapter) => configureAdapter(adapter, adapterDeps) });
  registerIvr(server, {
    config,
    redis,
    bot: { run: runBot },
    logger,
    i18n,
    configureAdapter: (adapter) => configureAdapter(adapter, adapterDeps),
    callbacks: new QueueCallbackDesk({ cases: caseStore, queue: handoff.store, i18n, serviceUrl: config.publicBaseUrl }),
  });
  const counsellorConsole = registerConsole(server, {
    handoff: handoff.store,
    redis,
    keyPrefix: config.REDIS_KEY_PREFIX,
    sessionSecret: config.CONSOLE_SESSION_SECRET,
    retentionMs: config.RETENTION_DAYS * 86_400_000,
    secureCookies: config.publicBaseUrl.startsWith('https:'),
    logger,
    cases: caseStore,
    directory,
    i18n,
    longWaitSeconds: config.CONSOLE_LONG_WAIT_SECONDS,
  });
  const demoLogin = config.demoMode ? await createDemoSupervisor(counsellorConsole.accounts) : null;

  // Counsellors' words reach the user through the adapter of the user's channel.
  const cloud: Proactive = {
    continueConversation: (reference, logic) => cloudAdapter.continueConversationAsync(config.MicrosoftAppId ?? '', reference, logic),
  };
  const proactive = new Map<string, Proactive>([['webchat', webchat.adapter], ...BOT_SERVICE_CHANNELS.map((id) => [id, cloud] as const)]);
  if (whatsapp) proactive.set('whatsapp', whatsapp.adapter);
  handoff.start(proactive);

  server.get('/healthz', route(logger, async (_req, res) => sendText(res, stopping ? 503 : 200, stopping ? 'stopping' : 'ok')));
  server.get('/readyz', route(logger, async (_req, res) => {
    const problem = stopping ? 'stopping' : await storeProblem(redis);
    sendText(res, problem ? 503 : 200, problem ?? 'ready');
  }));
  server.get('/metrics', route(logger, async (_req, res) => sendText(res, 200, await metrics.registry.metrics(), metrics.registry.contentType)));
  server.get('/api/info', route(logger, async (_req, res) => sendJson(res, 200, { demoMode: config.demoMode })));

  const app: App = {
    config,
    server,
    logger,
    metrics,
    redis,
    bot,
    handoff,
    counsellorConsole,
    demoLogin,
    start: () =>
      new Promise((resolve) => {
        server.listen(config.PORT, '0.0.0.0', () => {
          const port = (server.address() as { port: number }).port;
          resolve(`http://127.0.0.1:${port}`);
        });
      }),
    async stop() {
      stopping = true;
      // Long-lived sockets and event streams first, or server.close would wait for them.
      counsellorConsole.close();
      await webchat.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.server.closeIdleConnections?.();
      });
      await whatsapp?.stop();
      for (let waited = 0; inFlight > 0 && waited < config.SHUTDOWN_GRACE_MS; waited += 50) await new Promise((r) => setTimeout(r, 50));
      await handoff.stop();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
  return app;
}

/** Azure Bot Service channels served by /api/messages that can take a counsellor's message later. */
const BOT_SERVICE_CHANNELS = ['emulator', 'directline', 'msteams', 'telegram', 'facebook', 'slack'];

/** Why the stores cannot serve, or undefined when they answer. */
async function storeProblem(redis: Redis | undefined): Promise<string | undefined> {
  if (!redis) return undefined;
  try {
    await Promise.race([redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000))]);
    return undefined;
  } catch (err) {
    return `redis does not answer (${err instanceof Error ? err.message : String(err)})`;
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`config error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = await createApp(config);
  const url = await app.start();
  if (config.demoMode) {
    app.logger.warn('DEMO MODE: no REDIS_URL, so everything lives in this one process and is lost when it stops; secrets were generated for this run');
  }
  app.logger.info({ url: url.replace('127.0.0.1', 'localhost'), demoMode: config.demoMode }, 'Sishu Mitra is serving');
  if (app.demoLogin) {
    // Straight to the terminal: the logger redacts passwords, and this one is for the person at it.
    process.stdout.write(`counsellor console (demo): ${url.replace('127.0.0.1', 'localhost')}/console  user ${app.demoLogin.username}  password ${app.demoLogin.password}\n`);
  }
  const shutdown = (signal: string) => {
    app.logger.info({ signal }, 'shutting down');
    void app.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) void main();
