import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { CircuitBreaker } from './circuitBreaker';
import type { GraphMessage } from './graphMessages';

export type SendFailure = 'circuit-open' | 'timeout' | 'network' | 'rate-limited' | 'server' | 'rejected' | 'window-closed';

/** A message that did not reach WhatsApp. Carries no token, number or text: safe to log and to show a counsellor. */
export class GraphSendError extends Error {
  constructor(
    readonly reason: SendFailure,
    detail: string,
    readonly status?: number,
    readonly code?: number,
  ) {
    super(`WhatsApp send failed (${reason}): ${detail}`);
    this.name = 'GraphSendError';
  }
}

export interface GraphClientOptions {
  /** `WHATSAPP_GRAPH_URL`, version included. */
  baseUrl: string;
  phoneNumberId: string;
  accessToken: string;
  breaker: CircuitBreaker;
  timeoutMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the send fails and is counted. */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Graph error codes that mean "slow down" even when the HTTP status is 400. */
const RATE_LIMIT_CODES = new Set([4, 80007, 130429, 131048, 131056]);
/** Sent outside the 24-hour window without a template. */
const WINDOW_CLOSED_CODE = 131047;

type Attempt = { wamid: string } | { error: GraphSendError; retryable: boolean; waitMs: number };

interface GraphErrorBody {
  error?: { code?: number; message?: string };
}

interface GraphAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

class GraphTimeout extends Error {}

/**
 * Sends messages with `POST {baseUrl}/{phoneNumberId}/messages`: a timeout on every call,
 * retries with exponential backoff on 429, 5xx and network trouble (honouring Retry-After),
 * and a circuit breaker so a Graph outage fails fast instead of piling up turns.
 */
export class GraphClient {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly post: typeof httpRequest;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: GraphClientOptions) {
    this.url = new URL(`${opts.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(opts.phoneNumberId)}/messages`);
    // node:http over kept-alive connections: fetch (undici, web streams, an AbortSignal per call)
    // cost several times the CPU per message, taken from the same event loop as the webhooks.
    const secure = this.url.protocol === 'https:';
    this.agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.post = secure ? httpsRequest : httpRequest;
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.maxAttempts = opts.maxAttempts ?? 3;
    this.baseDelayMs = opts.baseDelayMs ?? 250;
    this.maxDelayMs = opts.maxDelayMs ?? 10_000;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Sends one message to a WhatsApp number; resolves with its wamid. */
  async send(to: string, message: GraphMessage): Promise<string> {
    if (!this.opts.breaker.allows()) throw new GraphSendError('circuit-open', 'the Graph API failed repeatedly; waiting before trying again');
    const body = JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...message });
    let last: GraphSendError | undefined;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const outcome = await this.attempt(body);
      if ('wamid' in outcome) {
        this.opts.breaker.succeeded();
        return outcome.wamid;
      }
      last = outcome.error;
      if (!outcome.retryable || attempt === this.maxAttempts || outcome.waitMs > this.maxDelayMs) break;
      await this.sleep(outcome.waitMs || this.backoff(attempt));
    }
    last ??= new GraphSendError('network', 'not attempted');
    // Only the service's own trouble opens the breaker; a refused message (bad number, closed window) does not.
    if (last.reason === 'rejected' || last.reason === 'window-closed') this.opts.breaker.succeeded();
    else this.opts.breaker.failed();
    throw last;
  }

  /** One HTTP call: the wamid, or the error, whether to retry and how long to wait first (0 = our backoff). */
  private async attempt(body: string): Promise<Attempt> {
    let res: GraphAnswer;
    try {
      res = await this.call(body);
    } catch (err) {
      const timedOut = err instanceof GraphTimeout;
      const error = new GraphSendError(timedOut ? 'timeout' : 'network', timedOut ? `no answer in ${this.timeoutMs} ms` : 'connection failed');
      return { error, retryable: true, waitMs: 0 };
    }
    const json = parseJson(res.text) as GraphErrorBody & { messages?: { id?: string }[] };
    if (res.status >= 200 && res.status < 300) return { wamid: json.messages?.[0]?.id ?? '' };
    const code = json.error?.code;
    const detail = `HTTP ${res.status}${code === undefined ? '' : `, Graph error ${code}`}`;
    const retryAfter = headerValue(res.headers['retry-after']);
    if (res.status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
      return { error: new GraphSendError('rate-limited', detail, res.status, code), retryable: true, waitMs: retryAfterMs(retryAfter) };
    }
    if (res.status >= 500) {
      return { error: new GraphSendError('server', detail, res.status, code), retryable: true, waitMs: retryAfterMs(retryAfter) };
    }
    const reason = code === WINDOW_CLOSED_CODE ? 'window-closed' : 'rejected';
    return { error: new GraphSendError(reason, detail, res.status, code), retryable: false, waitMs: 0 };
  }

  /** One POST, answer read whole; rejects with GraphTimeout when the whole exchange takes longer than the timeout. */
  private call(body: string): Promise<GraphAnswer> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const req = this.post(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { authorization: `Bearer ${this.opts.accessToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') })));
          res.on('error', (err) => settle(() => reject(err)));
        },
      );
      const timer = setTimeout(() => {
        settle(() => reject(new GraphTimeout()));
        req.destroy();
      }, this.timeoutMs);
      req.on('error', (err) => settle(() => reject(err)));
      req.end(body);
    });
  }

  /** Exponential backoff with full jitter, so retrying instances do not march in step. */
  private backoff(attempt: number): number {
    return Math.round(Math.random() * this.baseDelayMs * 2 ** (attempt - 1)) + 1;
  }
}

function parseJson(text: string): unknown {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** Retry-After in seconds or as an HTTP date; 0 (use our own backoff) when absent or unreadable. */
function retryAfterMs(header: string | null): number {
  if (!header) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : 0;
}
