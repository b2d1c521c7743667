import { readAnswer, yesOrNo } from '../../dialogs/report/answer';
import { nearestDistrict } from '../../dialogs/report/places';
import { indianPhone } from '../../dialogs/report/steps/contact';
import { priorityOf } from '../../dialogs/report/submit';
import { CASE_REF_PATTERN, newCaseRef } from '../../services/cases/caseRef';
import type { CaseRecord } from '../../services/cases/types';
import { loadGazetteer } from '../../services/directory/gazetteer';

describe('indianPhone', () => {
  it.each([
    ['9876543210', '+919876543210'],
    ['98765 43210', '+919876543210'],
    ['+91 98765-43210', '+919876543210'],
    ['09876543210', '+919876543210'],
    ['919876543210', '+919876543210'],
    ['0361 2345678', '+913612345678'],
  ])('reads %s as %s', (typed, phone) => {
    expect(indianPhone(typed)).toBe(phone);
  });

  it.each(['1098', '112', '12345', '1234567890', 'call me', '98765432101234'])('refuses %s', (typed) => {
    expect(indianPhone(typed)).toBeUndefined();
  });
});

describe('readAnswer', () => {
  it('takes a button value, from value or text', () => {
    expect(readAnswer({ text: 'Yes', value: 'report:danger:yes' }).value).toBe('report:danger:yes');
    expect(readAnswer({ text: 'report:danger:yes' }).value).toBe('report:danger:yes');
    expect(readAnswer({ text: 'Yes' }).value).toBeUndefined();
  });

  it.each([
    ['back', 'back'], ['পিছলৈ', 'back'], ['पीछे', 'back'], ['report:back', 'back'],
    ['cancel', 'cancel'], ['বাতিল', 'cancel'], ['रद्द', 'cancel'], ['report:cancel', 'cancel'],
    ['report:resume', 'resume'],
  ])('reads "%s" as the %s command', (text, command) => {
    expect(readAnswer({ text }).command).toBe(command);
  });

  it('does not take a sentence holding the word for a command', () => {
    expect(readAnswer({ text: 'he hits my back' }).command).toBeUndefined();
  });

  it('reads a GeoCoordinates entity, and ignores one out of range', () => {
    expect(readAnswer({ entities: [{ type: 'GeoCoordinates', latitude: 26.1, longitude: 91.7 }] }).point).toEqual({ lat: 26.1, lon: 91.7 });
    expect(readAnswer({ entities: [{ type: 'GeoCoordinates', latitude: 126.1, longitude: 91.7 }] }).point).toBeUndefined();
  });

  it('notices any attachment', () => {
    expect(readAnswer({ attachments: [{ contentType: 'video/mp4' }] }).media).toBe(true);
    expect(readAnswer({ text: 'hi' }).media).toBe(false);
  });
});

describe('nearestDistrict', () => {
  const gazetteer = loadGazetteer();

  it('finds the district whose headquarters is nearest', () => {
    expect(nearestDistrict(gazetteer, { lat: 24.82, lon: 92.8 })?.id).toBe('cachar');
    expect(nearestDistrict(gazetteer, { lat: 26.15, lon: 91.76 })?.id).toBe('kamrup-metropolitan');
  });

  it('gives none outside Assam', () => {
    expect(nearestDistrict(gazetteer, { lat: 28.61, lon: 77.21 })).toBeUndefined();
  });
});

describe('case references', () => {
  it('are SM- and 6 Crockford characters, never I, L, O or U', () => {
    const refs = Array.from({ length: 2000 }, newCaseRef);
    for (const ref of refs) expect(ref).toMatch(CASE_REF_PATTERN);
    expect(refs.join('').slice(3)).not.toMatch(/[ILOU]/);
  });
});

describe('priorityOf', () => {
  const base = { dangerNow: false, risk: 'normal' } as CaseRecord;
  it('puts danger now first, then high risk, then a request to be called, and leaves the rest in the store', () => {
    expect(priorityOf({ ...base, dangerNow: true, risk: 'high' })).toBe(1);
    expect(priorityOf({ ...base, risk: 'high' })).toBe(2);
    expect(priorityOf({ ...base, phone: '+919876543210' })).toBe(3);
    expect(priorityOf(base)).toBeUndefined();
  });
});

describe('yesOrNo', () => {
  it.each([
    ['yes', 'yes'], ['Yes.', 'yes'], ['हाँ', 'yes'], ['haan', 'yes'], ['হয়', 'yes'], ['\u09b9\u09df', 'yes'],
    ['no', 'no'], ['नहीं', 'no'], ['nahi', 'no'], ['নহয়', 'no'],
  ])('reads "%s" as %s', (text, word) => {
    expect(yesOrNo(text)).toBe(word);
  });

  it('reads a sentence as neither', () => {
    expect(yesOrNo('yes he hits her')).toBeUndefined();
  });
});
