import type { Lang } from '../../../services/i18n';
import { langOf } from '../../../bots/state';
import { question } from '../choice';
import { nearestDistrict, type DistrictFinder } from '../places';
import { AGAIN, NEXT, type Step, type StepTurn } from '../types';

/** Districts per page of the list: a WhatsApp list holds 10 rows, with room for "more". */
const PAGE = 8;
const SUGGESTIONS = 3;

/** Where: a shared location (to its district), a typed district or town in any script, or a pick from the list. */
export function whereStep(finder: DistrictFinder): Step {
  const byName = (lang: Lang) => [...finder.districts].sort((a, b) => a.name[lang].localeCompare(b.name[lang], lang));
  const districtButton = (turn: StepTurn, id: string) => {
    const district = finder.district(id);
    return { title: district ? district.name[langOf(turn.context)] : id, value: `report:where:${id}` };
  };
  const found = async (turn: StepTurn, id: string) => {
    turn.draft.district = id;
    await turn.tell(turn.t('whereFound', { district: districtButton(turn, id).title }));
    return NEXT;
  };

  return {
    id: 'where',
    async ask(turn, attempt) {
      const { page, suggestions } = turn.scratch;
      const tail = [turn.button('buttons.list', 'report:where:list'), turn.button('buttons.dontKnow', 'report:where:unknown')];
      if (page !== undefined) {
        const all = byName(langOf(turn.context));
        const shown = all.slice(page * PAGE, (page + 1) * PAGE).map((d) => districtButton(turn, d.id));
        const more = (page + 1) * PAGE < all.length ? [turn.button('buttons.more', 'report:where:more')] : [];
        await turn.ask(turn.t('ask.whereList'), [...shown, ...more, tail[1]]);
        return;
      }
      const hints = attempt > 0 ? (suggestions ?? []).map((id) => districtButton(turn, id)) : [];
      await turn.ask(question(turn, 'where', attempt), [...hints, ...tail]);
    },
    async read(turn, answer) {
      if (answer.point) {
        const district = nearestDistrict(finder, answer.point);
        if (district) return found(turn, district.id);
        await turn.tell(turn.t('outsideAssam'));
        return NEXT;
      }
      const value = answer.value?.startsWith('report:where:') ? answer.value.slice('report:where:'.length) : undefined;
      if (value === 'unknown') return NEXT;
      if (value === 'list' || value === 'more') {
        turn.scratch.page = value === 'more' ? (turn.scratch.page ?? 0) + 1 : 0;
        return { kind: 'stay' };
      }
      if (value && finder.district(value)) return found(turn, value);
      const place = answer.value ? undefined : finder.findPlace(answer.text);
      if (place) return found(turn, place.district.id);
      turn.scratch.page = undefined;
      turn.scratch.suggestions = answer.text ? finder.closest(answer.text, SUGGESTIONS).map((d) => d.id) : [];
      return AGAIN;
    },
  };
}
