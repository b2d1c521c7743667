import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Server } from 'restify';
import type { Logger } from '../services/logger';
import { createHttpServer, route } from '../services/http/server';
import { messagesHandler } from '../services/http/messages';

/** The baseline: a bare botbuilder echo bot on the same restify stack and /api/messages route. */
export async function startEchoBot(logger: Logger): Promise<{ url: string; server: Server }> {
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
    await next();
  });
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = createHttpServer();
  server.post('/api/messages', route(logger, messagesHandler(adapter, (context) => bot.run(context))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}
