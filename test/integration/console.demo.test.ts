import { createDemoSupervisor, DEMO_USERNAME } from '../../console';
import { startConsoleRig, type ConsoleRig } from '../support/console';

let rig: ConsoleRig;

beforeAll(async () => {
  rig = await startConsoleRig({ loginLimits: { attemptsPerAddress: 3, failuresToLock: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 } });
});

afterAll(async () => {
  await rig.stop();
});

describe('the console in demo mode (in memory)', () => {
  it('makes one demo supervisor with a random password, once, who can sign in and claim', async () => {
    const login = await createDemoSupervisor(rig.console.accounts);
    expect(login?.username).toBe(DEMO_USERNAME);
    expect(login!.password.length).toBeGreaterThanOrEqual(20);
    expect(await createDemoSupervisor(rig.console.accounts)).toBeNull();

    const demo = rig.client();
    const res = await demo.login(login!.username, login!.password);
    expect(res.status).toBe(200);
    expect((await demo.json<{ user: { role: string } }>(res)).user.role).toBe('supervisor');
    const chatId = await rig.queueChat({ language: 'hi' });
    expect((await demo.post('queue/next')).status).toBe(200);
    expect((await demo.post(`chats/${chatId}/close`, { disposition: 'test' })).status).toBe(200);
  });

  it('limits sign-in attempts from one address, right passwords included', async () => {
    // the first test made one attempt from this address; two more are allowed, then none
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push((await rig.client().login('someone', 'wrong password')).status);
    expect(attempts).toEqual([401, 401, 429]);
    const refused = await rig.client().login('someone', 'wrong password');
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('too many sign-in attempts');
  });

  it('serves the page and its two files with a strict content policy, and nothing else', async () => {
    const page = await fetch(`${rig.url}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(await page.text()).toContain('/console/static/console.js');
    expect((await fetch(`${rig.url}/console/static/console.js`)).headers.get('content-type')).toContain('javascript');
    for (const path of ['/console/static/nope.js', '/console/static/..%2F..%2Fpackage.json', '/console/static/index.html']) {
      expect((await fetch(`${rig.url}${path}`)).status).toBe(404);
    }
  });
});
