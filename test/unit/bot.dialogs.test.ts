import { ComponentDialog, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Replies } from '../../bots/replies';
import { JOURNEY, UnavailableJourney, type Journey } from '../../dialogs/journeys';
import type { Lang } from '../../services/i18n';
import { buttonsOf, createTestBot, i18n, lastButtons, say, textsOf } from '../support/botHarness';

/** A journey that waits for an answer, so commands can be tried from inside a running dialog. */
class WaitingJourney extends ComponentDialog {
  constructor() {
    super(JOURNEY.report);
    this.addDialog(
      new WaterfallDialog('steps', [
        async (step: WaterfallStepContext) => step.prompt('answer', { prompt: 'WAITING' }),
        async (step: WaterfallStepContext) => {
          await step.context.sendActivity(`GOT ${String(step.result)}`);
          return step.endDialog();
        },
      ]),
    );
    this.addDialog(new TextPrompt('answer'));
  }
}
const withWaitingReport = (r: Replies): Journey[] => [
  new WaitingJourney(),
  ...[JOURNEY.findHelp, JOURNEY.teacher, JOURNEY.counsellor].map((id) => new UnavailableJourney(id, r)),
];

const t = (lng: Lang, key: string) => i18n.t(lng, key);

const FIRST_WORDS: [Lang, string][] = [
  ['as', 'নমস্কাৰ'],
  ['hi', 'नमस्ते'],
  ['en', 'hello'],
];

describe.each(FIRST_WORDS)('first contact in %s', (lng, hello) => {
  it('greets in the language of the first message, offers the three languages, then the menu', async () => {
    const { adapter } = createTestBot();
    const replies = await say(adapter, hello);
    expect(replies[0].text).toContain(t(lng, 'common:greeting'));
    expect(buttonsOf(replies[0])).toEqual(['lang:as', 'lang:hi', 'lang:en']);
    expect(textsOf(replies)).toContain(t(lng, 'common:menuPrompt'));
    expect(lastButtons(replies)).toEqual(['menu:report', 'menu:findHelp', 'menu:teacher', 'cmd:human', 'cmd:emergency']);
  });

  it('greets only once', async () => {
    const { adapter } = createTestBot();
    await say(adapter, hello);
    const again = await say(adapter, hello);
    expect(textsOf(again).join('\n')).not.toContain(t(lng, 'common:greeting'));
  });
});

describe('a first message that asks for something is answered on its own merits', () => {
  it('answers danger first, with 112 and 1098, in the message language', async () => {
    const { adapter } = createTestBot();
    const replies = await say(adapter, 'मेरे पापा मुझे अभी मार रहे हैं');
    expect(replies[0].text).toContain(t('hi', 'common:danger'));
    expect(replies[0].text).toContain('112');
    expect(replies[0].text).toContain('1098');
    expect(textsOf(replies).join('\n')).toContain(t('hi', 'common:greeting'));
  });
});

describe('language', () => {
  it.each(['language', 'ভাষা', 'भाषा', 'bhasha'])('"%s" offers the three languages', async (word) => {
    const { adapter } = createTestBot();
    await say(adapter, 'hello');
    const replies = await say(adapter, word);
    expect(lastButtons(replies)).toEqual(['lang:as', 'lang:hi', 'lang:en']);
  });

  it.each<[Lang]>([['as'], ['hi'], ['en']])('a language button switches to %s and is remembered', async (lng) => {
    const { adapter } = createTestBot();
    await say(adapter, 'hello');
    const switched = await say(adapter, `lang:${lng}`);
    expect(switched[0].text).toBe(t(lng, 'common:languageSet'));
    const later = await say(adapter, 'menu');
    expect(later[0].text).toBe(t(lng, 'common:menuPrompt'));
  });
});

describe.each<[Lang]>([['as'], ['hi'], ['en']])('menu and commands in %s', (lng) => {
  async function started() {
    const harness = createTestBot({ journeys: withWaitingReport });
    await say(harness.adapter, `lang:${lng}`);
    return harness;
  }

  it.each(['menu:findHelp', 'menu:teacher', 'cmd:human'])('menu item %s answers honestly with a way to a person', async (value) => {
    const { adapter } = await started();
    const replies = await say(adapter, value);
    expect(replies[0].text).toBe(t(lng, 'common:journeyUnavailable'));
    expect(buttonsOf(replies[0])).toContain('cmd:human');
  });

  it('menu item report starts the report journey', async () => {
    const { adapter } = await started();
    expect(textsOf(await say(adapter, 'menu:report'))).toEqual(['WAITING']);
  });

  it('emergency numbers: 112 and 1098 with a line each', async () => {
    const { adapter } = await started();
    const replies = await say(adapter, 'cmd:emergency');
    expect(replies[0].text).toContain(t(lng, 'common:emergency.n112'));
    expect(replies[0].text).toContain(t(lng, 'common:emergency.n1098'));
  });

  const inside: [string, (r: Awaited<ReturnType<typeof say>>) => void][] = [
    ['menu', (r) => expect(r[0].text).toBe(t(lng, 'common:menuPrompt'))],
    ['help', (r) => expect(r[0].text).toBe(t(lng, 'common:help'))],
    ['emergency', (r) => expect(r[0].text).toContain('1098')],
    ['person', (r) => expect(r[0].text).toBe(t(lng, 'common:journeyUnavailable'))],
    ['language', (r) => expect(lastButtons(r)).toEqual(['lang:as', 'lang:hi', 'lang:en'])],
    ['stop', (r) => expect(r[0].text).toBe(t(lng, 'common:safeWord'))],
  ];
  it.each(inside)('"%s" works from inside a running dialog', async (command, check) => {
    const { adapter } = await started();
    await say(adapter, 'menu:report');
    check(await say(adapter, command));
  });

  it('the safe word ends the dialog at once and clears the conversation', async () => {
    const { adapter, storage } = await started();
    await say(adapter, 'menu:report');
    await say(adapter, 'stop');
    const keys = Object.keys(await storage.read(['test/conversations/Convo1/']));
    expect(keys).toEqual([]);
    const next = await say(adapter, 'anything at all');
    expect(textsOf(next).join('\n')).not.toContain('GOT');
  });
});

describe.each([
  ['as', 'ৰখা'],
  ['hi', 'रुको'],
  ['en', 'STOP!'],
  ['en', 'ruko'],
])('safe word in %s: "%s"', (_lng, word) => {
  it('stops a running dialog', async () => {
    const { adapter } = createTestBot({ journeys: withWaitingReport });
    await say(adapter, 'menu:report');
    const replies = await say(adapter, word);
    expect(replies).toHaveLength(1);
    expect(textsOf(await say(adapter, 'x'))).not.toContain('GOT x');
  });
});

describe('words that contain a command are not commands', () => {
  it('"please stop hitting me" is read for danger, not taken as the safe word', async () => {
    const { adapter } = createTestBot();
    const replies = await say(adapter, 'please stop hitting me, my father is beating me now');
    expect(replies[0].text).toContain(t('en', 'common:danger'));
  });
});

describe('errors', () => {
  it('a failing turn answers a short apology with the emergency numbers, no stack trace', async () => {
    const failing = (r: Replies): Journey[] => {
      class Broken extends ComponentDialog {
        constructor() {
          super(JOURNEY.findHelp);
          this.addDialog(new WaterfallDialog('x', [async () => { throw new Error('boom at /secret/path.ts:12'); }]));
        }
      }
      return [new Broken(), ...[JOURNEY.report, JOURNEY.teacher, JOURNEY.counsellor].map((id) => new UnavailableJourney(id, r))];
    };
    const { adapter, logs } = createTestBot({ journeys: failing });
    const replies = await say(adapter, 'menu:findHelp');
    const last = replies[replies.length - 1].text ?? '';
    expect(last).toContain(t('en', 'common:error'));
    expect(last).toContain('112');
    expect(last).not.toContain('boom');
    expect(logs.text).toContain('turn failed');
  });
});
