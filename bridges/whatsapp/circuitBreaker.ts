/**
 * Stops hammering the Graph API while it is down: after `threshold` failures in a row, calls
 * fail at once for `coolDownMs`; then one trial call decides whether to close again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private trialRunning = false;

  constructor(
    private readonly threshold = 5,
    private readonly coolDownMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a call may go out now (a half-open breaker lets exactly one through). */
  allows(): boolean {
    if (this.openedAt === null) return true;
    if (this.now() - this.openedAt < this.coolDownMs || this.trialRunning) return false;
    this.trialRunning = true;
    return true;
  }

  succeeded(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialRunning = false;
  }

  failed(): void {
    this.failures += 1;
    this.trialRunning = false;
    if (this.failures >= this.threshold) this.openedAt = this.now();
  }

  get isOpen(): boolean {
    return this.openedAt !== null;
  }
}
