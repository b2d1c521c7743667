import restify, { type Request, type Response, type Server } from 'restify';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import { BadRequest } from './body';

const REQUEST_LOG = Symbol('sishu.requestLog');

export type Handler = (req: Request, res: Response) => Promise<void>;

/**
 * Wraps a route so that no request can crash the process or earn a 5xx for bad input:
 * BadRequest becomes its 4xx with a one-line reason; anything unexpected is logged and
 * answered 500 only when the fault is ours (never with a stack trace).
 */
export function route(logger: Logger, handler: Handler): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      const log = requestLogger(req, logger);
      if (res.headersSent) {
        log.warn({ err: errSummary(err), path: req.path() }, 'route failed after answering');
        return;
      }
      if (err instanceof BadRequest) {
        sendText(res, err.status, err.message);
        return;
      }
      log.error({ err: errSummary(err), path: req.path() }, 'route failed');
      sendText(res, 500, 'something went wrong on our side');
    }
  };
}

export function errSummary(err: unknown): { message: string; name?: string; stack?: string } {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { message: String(err) };
}

export function sendText(res: Response, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(text);
}

export function sendJson(res: Response, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * The restify server: no body parser (each route reads its own body with a size limit, so a
 * bridge can check a signature over the raw bytes), a request id on every log line.
 */
export function createHttpServer(logger: Logger): Server {
  const server = restify.createServer({ name: 'sishu-mitra', handleUncaughtExceptions: false });
  server.pre((req, res, next) => {
    const id = String(req.headers['x-request-id'] ?? '').slice(0, 64) || randomUUID();
    (req as Request & { [REQUEST_LOG]?: Logger })[REQUEST_LOG] = logger.child({ reqId: id });
    res.setHeader('x-request-id', id);
    return next();
  });
  return server;
}

export function requestLogger(req: Request, fallback: Logger): Logger {
  return (req as Request & { [REQUEST_LOG]?: Logger })[REQUEST_LOG] ?? fallback;
}
