/**
 * A token bucket per socket: a child can type a few quick messages in a row, but a script that
 * floods the socket is slowed to `perSecond` and, past `maxRefusals`, disconnected.
 */
export interface RateLimitOptions {
  burst: number;
  perSecond: number;
  maxRefusals: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 8, perSecond: 1, maxRefusals: 20 };

export type RateDecision = 'allow' | 'refuse' | 'disconnect';

export class TokenBucket {
  private tokens: number;
  private last: number;
  private refusals = 0;

  constructor(private readonly opts: RateLimitOptions, private readonly now: () => number = Date.now) {
    this.tokens = opts.burst;
    this.last = now();
  }

  take(): RateDecision {
    const t = this.now();
    this.tokens = Math.min(this.opts.burst, this.tokens + ((t - this.last) / 1000) * this.opts.perSecond);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'allow';
    }
    this.refusals += 1;
    return this.refusals > this.opts.maxRefusals ? 'disconnect' : 'refuse';
  }
}
