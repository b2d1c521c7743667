import type { Category } from '../services/understanding';

/** The situations of the teacher's guide; their sentences live in locales/<lng>/teacher.json. */
export const SITUATIONS = ['sexualAbuse', 'homeViolence', 'marriage', 'labour', 'school', 'online', 'missing', 'selfHarm'] as const;
export type Situation = (typeof SITUATIONS)[number];

export interface SituationFacts {
  /** The harm a report from this situation is filed under. */
  category: Category;
  /** The citations the "law" part must name, in every language, exactly as written here. */
  citations: string[];
  /** Where DOMAIN.md took each fact from. */
  sources: string[];
  /** True where DOMAIN.md says *verify*: the guide says the fact is being checked. */
  unverified: boolean;
}

const POCSO_SOURCE = 'constitutionofindia.in (POCSO s.19, 21, 23), via DOMAIN.md';
const JJ_SOURCE = 'the Juvenile Justice Act 2015 (s.27-30, 32, 74: apnilaw.com, actsofindia.in), via DOMAIN.md';

export const FACTS: Record<Situation, SituationFacts> = {
  sexualAbuse: {
    category: 'sexual_abuse',
    citations: ['POCSO Act 2012, s.19', 'POCSO s.19(7)', 'POCSO s.21', 'POCSO s.23'],
    sources: [POCSO_SOURCE, 'aarambhindia.org (what a teacher does), via DOMAIN.md'],
    unverified: false,
  },
  homeViolence: {
    category: 'physical_abuse',
    citations: ['Juvenile Justice Act 2015, s.27-30', 'POCSO Act 2012, s.19', 'Juvenile Justice Act 2015, s.74'],
    sources: [JJ_SOURCE, POCSO_SOURCE],
    unverified: false,
  },
  marriage: {
    category: 'child_marriage',
    citations: ['Prohibition of Child Marriage Act 2006'],
    sources: ['indiacode.nic.in (PCMA 2006; section numbers to verify), via DOMAIN.md'],
    unverified: true,
  },
  labour: {
    category: 'child_labour',
    citations: ['Juvenile Justice Act 2015, s.74'],
    sources: [JJ_SOURCE, 'indiacode.nic.in (CALPRA 1986/2016: to verify, so not quoted), via DOMAIN.md'],
    unverified: true,
  },
  school: {
    category: 'corporal_punishment',
    citations: ['Right to Education Act 2009, s.17'],
    sources: ['the RTE Act s.17, via DOMAIN.md'],
    unverified: false,
  },
  online: {
    category: 'online_abuse',
    citations: ['POCSO Rules 2020', 'POCSO Act 2012, s.19', 'POCSO s.23'],
    sources: ['business-standard.com 2020 (POCSO Rules), via DOMAIN.md', POCSO_SOURCE],
    unverified: false,
  },
  missing: {
    category: 'missing_child',
    citations: ['Juvenile Justice Act 2015, s.32'],
    sources: [JJ_SOURCE],
    unverified: false,
  },
  selfHarm: {
    category: 'self_harm',
    citations: ['Juvenile Justice Act 2015, s.74'],
    sources: [JJ_SOURCE, 'crackittoday.com (Tele-MANAS 14416), via DOMAIN.md'],
    unverified: false,
  },
};

/** Which situation a harm the understanding step found belongs to. */
const SITUATION_OF_CATEGORY: Partial<Record<Category, Situation>> = {
  sexual_abuse: 'sexualAbuse',
  physical_abuse: 'homeViolence',
  neglect: 'homeViolence',
  child_marriage: 'marriage',
  child_labour: 'labour',
  corporal_punishment: 'school',
  bullying: 'school',
  online_abuse: 'online',
  missing_child: 'missing',
  trafficking: 'missing',
  self_harm: 'selfHarm',
};

export function situationFor(category: Category | null | undefined): Situation | undefined {
  return category ? SITUATION_OF_CATEGORY[category] : undefined;
}

export function isSituation(value: string): value is Situation {
  return (SITUATIONS as readonly string[]).includes(value);
}
