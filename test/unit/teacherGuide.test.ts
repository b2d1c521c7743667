import { ComponentDialog, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Replies } from '../../bots/replies';
import { JOURNEY, UnavailableJourney, type Journey, type JourneyOptions } from '../../dialogs/journeys';
import { MAX_MESSAGE_CHARS, renderSituation, TeacherGuideDialog } from '../../dialogs/TeacherGuideDialog';
import { FACTS, SITUATIONS, type Situation } from '../../dialogs/teacherGuide';
import { LANGUAGES, type Lang } from '../../services/i18n';
import { createTestBot, i18n, lastButtons, say, textsOf } from '../support/botHarness';

/** Stands in for the report journey to show what the guide hands over. */
class ReportProbe extends ComponentDialog {
  constructor() {
    super(JOURNEY.report);
    this.addDialog(
      new WaterfallDialog('probe', [
        async (step: WaterfallStepContext) => {
          const options = step.options as JourneyOptions;
          await step.context.sendActivity(`REPORT reporter=${options.reporter} category=${options.category}`);
          return step.endDialog();
        },
      ]),
    );
  }
}

const journeys = (r: Replies): Journey[] => [
  new TeacherGuideDialog(r, i18n),
  new ReportProbe(),
  new UnavailableJourney(JOURNEY.findHelp, r),
  new UnavailableJourney(JOURNEY.counsellor, r),
];

const cases = LANGUAGES.flatMap((lng) => SITUATIONS.map((s) => [lng, s] as [Lang, Situation]));

describe('the guide content', () => {
  it.each(cases)('%s %s has every part: at most five steps now, don’ts, the law, who to call', (lng, situation) => {
    const key = `teacher:situations.${situation}`;
    const now = i18n.list(lng, `${key}.now`);
    expect(now.length).toBeGreaterThanOrEqual(3);
    expect(now.length).toBeLessThanOrEqual(5);
    expect(i18n.list(lng, `${key}.dont`).length).toBeGreaterThanOrEqual(1);
    expect(i18n.list(lng, `${key}.law`).length).toBeGreaterThanOrEqual(1);
    expect(i18n.t(lng, `${key}.call`)).toMatch(/1098/);
  });

  it.each(cases)('%s %s names every legal source the facts list, in its law part', (lng, situation) => {
    const law = i18n.list(lng, `teacher:situations.${situation}.law`).join('\n');
    for (const citation of FACTS[situation].citations) expect(law).toContain(citation);
    expect(FACTS[situation].sources.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s %s fits WhatsApp: every message within %i characters', (lng, situation) => {
    for (const text of renderSituation(i18n, lng, situation)) expect(text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
  });

  it('flags what DOMAIN.md says to verify', () => {
    const law = renderSituation(i18n, 'en', 'marriage')[2];
    expect(law).toContain(i18n.t('en', 'teacher:unverified'));
    expect(law).not.toMatch(/s\.\d/);
  });
});

const QUESTIONS: [Lang, string, Situation][] = [
  ['en', 'I am a teacher, a student told me her uncle touches her, what should I do?', 'sexualAbuse'],
  ['hi', 'मैं शिक्षक हूँ, मेरी एक छात्रा की शादी अगले हफ्ते होने वाली है, क्या करूँ?', 'marriage'],
  ['as', 'মই শিক্ষক, মোৰ এজন ছাত্ৰ কেইদিনমানৰ পৰা নিৰুদ্দেশ, কি কৰিম?', 'missing'],
];

describe.each(LANGUAGES)('the guide in %s', (lng) => {
  it.each(SITUATIONS)('is reached from the list: %s', async (situation) => {
    const { adapter } = createTestBot({ journeys });
    await say(adapter, `lang:${lng}`);
    const list = await say(adapter, 'menu:teacher');
    expect(lastButtons(list)).toEqual(SITUATIONS.map((s) => `teacher:${s}`));
    const guide = await say(adapter, `teacher:${situation}`);
    expect(textsOf(guide).slice(0, 4)).toEqual(renderSituation(i18n, lng, situation));
    expect(lastButtons(guide)).toEqual(['teacher:report', 'cmd:human', 'menu:findHelp', 'teacher:another']);
  });

  it('hands over to the report journey as a teacher, with the category filled in', async () => {
    const { adapter } = createTestBot({ journeys });
    await say(adapter, `lang:${lng}`);
    await say(adapter, 'menu:teacher');
    await say(adapter, 'teacher:online');
    expect(textsOf(await say(adapter, 'teacher:report'))).toEqual(['REPORT reporter=teacher category=online_abuse']);
  });
});

describe.each(QUESTIONS)('a free-text question in %s', (lng, question, situation) => {
  it(`goes straight to ${situation}`, async () => {
    const { adapter } = createTestBot({ journeys });
    await say(adapter, `lang:${lng}`);
    const replies = textsOf(await say(adapter, question));
    expect(replies).toEqual(expect.arrayContaining(renderSituation(i18n, lng, situation)));
  });
});

describe('answers the guide cannot use', () => {
  it('asks again, twice at most, then offers a person', async () => {
    const { adapter } = createTestBot({ journeys });
    await say(adapter, 'menu:teacher');
    expect(lastButtons(await say(adapter, 'qwerty'))).toHaveLength(SITUATIONS.length);
    expect(lastButtons(await say(adapter, 'asdf'))).toHaveLength(SITUATIONS.length);
    const last = await say(adapter, 'zxcv');
    expect(last[0].text).toBe(i18n.t('en', 'common:journeyUnavailable'));
  });
});
