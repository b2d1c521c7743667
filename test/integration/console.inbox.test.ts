import { ConsoleClient } from '../support/console';
import { i18n } from '../support/botHarness';
import { startApp, type RunningApp } from '../support/http';
import { TEST_ORIGIN, TestSocket, type Frame } from '../support/webchatSocket';

/**
 * The service as index.ts composes it: an anonymous report made in the web chat, with no chat with a
 * counsellor, reaches a human in the console's case inbox. In demo mode and on Redis.
 */
const en = (key: string, vars?: Record<string, unknown>) => i18n.t('en', key, vars);
const PASSWORD = 'a long enough test password';
const botSaid = (text: string) => (f: Frame) => f.type === 'message' && (f.from as { role?: string } | undefined)?.role === 'bot' && (f.text ?? '').includes(text);

interface CaseRow { ref: string; kind: string; status: string; district: string | null; category: string; chatId: string | null; hasPhone: boolean }

describe.each([
  ['demo mode', false],
  ['Redis', true],
] as const)('an anonymous report in the composed service (%s)', (_name, redis) => {
  let s: RunningApp;
  let counsellor: ConsoleClient;
  let child: TestSocket;

  beforeAll(async () => {
    s = await startApp({ WEBCHAT_ALLOWED_ORIGINS: TEST_ORIGIN }, { redis });
    const login = s.app.demoLogin ?? { username: 'asha', password: PASSWORD };
    if (!s.app.demoLogin) {
      await s.app.counsellorConsole.accounts.add({ username: 'asha', alias: 'Asha', role: 'counsellor', languages: ['en'], capacity: 3 }, PASSWORD);
    }
    counsellor = new ConsoleClient(s.url);
    expect((await counsellor.login(login.username, login.password)).status).toBe(200);
    child = await TestSocket.open(`${s.url.replace('http', 'ws')}/webchat/ws`, { locale: 'en' });
    await child.session();
  });

  afterAll(async () => {
    await child?.close();
    await s?.stop();
  });

  it('reaches the case inbox with no chat, and opens there for a counsellor', async () => {
    const steps: [string, string][] = [
      ['lang:en', ''],
      ['menu:report', 'report:ask.who'],
      ['report:who:other', 'report:ask.what'],
      ['report:what:child_labour', 'report:ask.danger'],
      ['report:danger:no', 'report:ask.where'],
      ['Jorhat', 'report:ask.age'],
      ['report:age:12to14', 'report:ask.gender'],
      ['report:gender:boy', 'report:ask.when'],
      ['report:when:ongoing', 'report:ask.contact'],
      ['report:contact:anonymous', 'report:ask.summary'],
      ['report:summary:ok', 'report:ask.consent'],
    ];
    let n = 0;
    for (const [answer, asked] of steps) {
      // The web chat lets 8 messages through at once, then one a second: a pause refills the bucket
      // (a longer pause on a slow machine only adds more).
      if (n === 7) await new Promise((resolve) => setTimeout(resolve, 6000));
      child.say(answer, `r-${++n}`);
      if (asked) await child.next(botSaid(en(asked)), 10_000);
    }
    child.say('report:consent:send', `r-${++n}`);
    const sent = await child.next((f) => botSaid('SM-')(f), 10_000);
    const ref = /SM-[0-9A-Z]{6}/.exec(sent.text ?? '')?.[0];
    expect(ref).toBeDefined();

    const { cases } = await counsellor.json<{ cases: CaseRow[] }>(counsellor.get('cases?kind=report&district=jorhat'));
    expect(cases.find((c) => c.ref === ref)).toMatchObject({ status: 'new', category: 'child_labour', chatId: null, hasPhone: false });
    const taken = await counsellor.json<{ case: CaseRow & { assignee: string } }>(counsellor.post(`cases/${ref}`, { assignee: 'me' }));
    expect(taken.case).toMatchObject({ status: 'assigned', assignee: s.app.demoLogin?.username ?? 'asha' });
  });
});
