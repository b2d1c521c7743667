import { AccountError, AccountStore } from '../../console/accounts';
import { MemoryConsoleKv } from '../../console/kv';
import { LoginGuard } from '../../console/loginGuard';
import { hashPassword, verifyPassword } from '../../console/passwords';
import { csrfMatches, SessionStore } from '../../console/sessions';
import { manualClock } from '../support/console';

describe('passwords', () => {
  it('are stored as salted scrypt hashes that only the same password matches', async () => {
    const a = await hashPassword('a long password');
    const b = await hashPassword('a long password');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('a long password', a)).toBe(true);
    expect(await verifyPassword('a long passworD', a)).toBe(false);
    expect(await verifyPassword('a long password', 'plain$text')).toBe(false);
  });
});

describe('accounts', () => {
  const accounts = new AccountStore(new MemoryConsoleKv());

  it('refuse bad names, roles, languages, capacities, short passwords and duplicates', async () => {
    await accounts.add({ username: 'Asha', role: 'counsellor', languages: ['as'] }, 'long enough 1');
    const bad: [Parameters<AccountStore['add']>[0], string][] = [
      [{ username: 'asha', role: 'counsellor', languages: ['as'] }, 'already exists'],
      [{ username: 'a', role: 'counsellor', languages: ['as'] }, 'user name'],
      [{ username: 'bob', role: 'admin' as 'counsellor', languages: ['as'] }, 'role'],
      [{ username: 'bob', role: 'counsellor', languages: ['bn'] }, 'languages'],
      [{ username: 'bob', role: 'counsellor', languages: ['as'], capacity: 0 }, 'capacity'],
    ];
    for (const [input, reason] of bad) await expect(accounts.add(input, 'long enough 1')).rejects.toThrow(reason);
    await expect(accounts.add({ username: 'bob', role: 'counsellor', languages: ['as'] }, 'short')).rejects.toBeInstanceOf(AccountError);
    expect((await accounts.list()).map((a) => a.username)).toEqual(['asha']);
    expect(JSON.stringify(await accounts.list())).not.toContain('scrypt');
  });
});

describe('sessions', () => {
  const clock = manualClock();
  const kv = new MemoryConsoleKv(clock.now);
  const sessions = new SessionStore(kv, 's'.repeat(32), { idleMs: 10_000, maxAgeMs: 60_000 }, clock.now);

  it('refuse a cookie whose signature does not match, even for a real session id', async () => {
    const { cookie } = await sessions.create('asha');
    const [id] = cookie.split('.');
    expect(await sessions.fromCookie(cookie)).toMatchObject({ username: 'asha' });
    expect(await sessions.fromCookie(`${id}.AAAA`)).toBeNull();
    expect(await sessions.fromCookie(id)).toBeNull();
    const otherSecret = new SessionStore(kv, 'o'.repeat(32), { idleMs: 10_000, maxAgeMs: 60_000 }, clock.now);
    expect(await otherSecret.fromCookie(cookie)).toBeNull();
  });

  it('stay alive while used and end at the maximum age', async () => {
    const { cookie } = await sessions.create('asha');
    for (let i = 0; i < 5; i++) {
      clock.advance(9_000);
      expect(await sessions.fromCookie(cookie)).not.toBeNull();
    }
    clock.advance(9_000);
    expect(await sessions.fromCookie(cookie)).not.toBeNull();
    clock.advance(9_000);
    expect(await sessions.fromCookie(cookie)).toBeNull();
  });

  it('compare the CSRF token exactly', async () => {
    const { session } = await sessions.create('asha');
    expect(csrfMatches(session, session.csrfToken)).toBe(true);
    expect(csrfMatches(session, session.csrfToken.slice(1))).toBe(false);
    expect(csrfMatches(session, undefined)).toBe(false);
    expect(csrfMatches(session, [session.csrfToken])).toBe(false);
  });
});

describe('the login guard', () => {
  it('limits attempts per address per window, and locks an account after repeated failures until the lock time passes', async () => {
    const clock = manualClock();
    const guard = new LoginGuard(new MemoryConsoleKv(clock.now), { attemptsPerAddress: 3, failuresToLock: 2, windowMs: 60_000, lockMs: 30_000 }, clock.now);
    expect([await guard.admit('10.0.0.1', 'a'), await guard.admit('10.0.0.1', 'b'), await guard.admit('10.0.0.1', 'c')]).toEqual([null, null, null]);
    expect(await guard.admit('10.0.0.1', 'd')).toBe('too-many-attempts');
    expect(await guard.admit('10.0.0.2', 'd')).toBeNull();
    clock.advance(60_000);
    expect(await guard.admit('10.0.0.1', 'd')).toBeNull();

    expect(await guard.failed('asha')).toBe(false);
    expect(await guard.failed('asha')).toBe(true);
    expect(await guard.admit('10.0.0.3', 'asha')).toBe('locked');
    clock.advance(30_001);
    expect(await guard.admit('10.0.0.3', 'asha')).toBeNull();
  });

  it('forgets earlier failures after a successful sign-in', async () => {
    const guard = new LoginGuard(new MemoryConsoleKv(), { attemptsPerAddress: 100, failuresToLock: 2, windowMs: 60_000, lockMs: 30_000 });
    expect(await guard.failed('ravi')).toBe(false);
    await guard.succeeded('ravi');
    expect(await guard.failed('ravi')).toBe(false);
  });
});
