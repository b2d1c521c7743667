import restify, { type Request, type Response, type Server } from 'restify';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import { BadRequest } from './body';

const REQUEST_ID = Symbol('sishu.requestId');
type WithRequestId = Request & { [REQUEST_ID]?: string };

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
 * bridge can check a signature over the raw bytes), a request id on every request, and so on
 * every line logged about it (requestLogger).
 */
export function createHttpServer(): Server {
  const server = restify.createServer({ name: 'sishu-mitra', handleUncaughtExceptions: false });
  server.pre((req, res, next) => {
    const id = String(req.headers['x-request-id'] ?? '').slice(0, 64) || randomUUID();
    (req as WithRequestId)[REQUEST_ID] = id;
    res.setHeader('x-request-id', id);
    return next();
  });
  return server;
}

/** A logger whose lines carry the request's id; made only when a line is written (most requests write none). */
export function requestLogger(req: Request, logger: Logger): Logger {
  const id = (req as WithRequestId)[REQUEST_ID];
  return id === undefined ? logger : logger.child({ reqId: id });
}
