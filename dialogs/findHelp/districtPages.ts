// The district list as pages a WhatsApp list can show: at most 10 rows a page, the navigation
// buttons included, districts in the alphabetical order of the reader's language.
import type { District } from '../../services/directory';
import type { Lang } from '../../services/i18n';

export const MAX_ROWS_PER_PAGE = 10;
/** Room is kept for "back" and "more" on every page. */
const DISTRICTS_PER_PAGE = MAX_ROWS_PER_PAGE - 2;

export interface DistrictPage {
  districts: District[];
  /** 0-based */
  page: number;
  pages: number;
  hasPrevious: boolean;
  hasNext: boolean;
}

export function districtPage(all: readonly District[], lang: Lang, requested: number): DistrictPage {
  const sorted = [...all].sort((a, b) => a.name[lang].localeCompare(b.name[lang], lang));
  const pages = Math.max(1, Math.ceil(sorted.length / DISTRICTS_PER_PAGE));
  const page = Math.min(Math.max(0, Math.floor(requested)), pages - 1);
  return {
    districts: sorted.slice(page * DISTRICTS_PER_PAGE, (page + 1) * DISTRICTS_PER_PAGE),
    page,
    pages,
    hasPrevious: page > 0,
    hasNext: page < pages - 1,
  };
}
