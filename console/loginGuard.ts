import type { ConsoleKv } from './kv';

export interface LoginLimits {
  /** Sign-in attempts one address may make per window, right or wrong. */
  attemptsPerAddress: number;
  /** Wrong passwords in a row (within a window) that lock the account. */
  failuresToLock: number;
  windowMs: number;
  lockMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { attemptsPerAddress: 30, failuresToLock: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export type LoginRefusal = 'too-many-attempts' | 'locked';

/** Slows password guessing: per-address attempts in fixed windows, and a lock on the account after repeated failures. */
export class LoginGuard {
  constructor(private readonly kv: ConsoleKv, private readonly limits: LoginLimits, private readonly clock: () => number = Date.now) {}

  /** Counts this attempt; a refusal means the password must not even be checked. */
  async admit(address: string, username: string): Promise<LoginRefusal | null> {
    const window = Math.floor(this.clock() / this.limits.windowMs);
    const attempts = await this.kv.incr(`login:addr:${address}:${window}`, this.limits.windowMs);
    if (attempts > this.limits.attemptsPerAddress) return 'too-many-attempts';
    const lock = await this.kv.getJson<{ until: number }>(`login:lock:${username}`);
    return lock && lock.until > this.clock() ? 'locked' : null;
  }

  /** Records a wrong password; true when this one locked the account. */
  async failed(username: string): Promise<boolean> {
    const failures = await this.kv.incr(`login:fail:${username}`, this.limits.windowMs);
    if (failures < this.limits.failuresToLock) return false;
    await this.kv.setJson(`login:lock:${username}`, { until: this.clock() + this.limits.lockMs }, this.limits.lockMs);
    await this.kv.del(`login:fail:${username}`);
    return true;
  }

  async succeeded(username: string): Promise<void> {
    await this.kv.del(`login:fail:${username}`);
  }
}
