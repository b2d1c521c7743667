/** The labels of ../shared/eval/TAXONOMY.md, as the rest of the service sees them. */
export type Language = 'as' | 'hi' | 'en' | 'bn';
/** 'native' = Assamese/Bengali or Devanagari script; 'romanised' = Latin letters (English included). */
export type Script = 'native' | 'romanised';
export type Intent =
  | 'emergency'
  | 'report_concern'
  | 'teacher_guidance'
  | 'find_services'
  | 'talk_to_counsellor'
  | 'greeting'
  | 'help'
  | 'other';
export type Risk = 'high' | 'normal';
export type Category =
  | 'sexual_abuse'
  | 'physical_abuse'
  | 'child_marriage'
  | 'child_labour'
  | 'trafficking'
  | 'missing_child'
  | 'online_abuse'
  | 'bullying'
  | 'corporal_punishment'
  | 'neglect'
  | 'self_harm'
  | 'other';

export interface Understood {
  language: Language;
  script: Script;
  intent: Intent;
  risk: Risk;
  category: Category | null;
  /** 0..1: how much evidence the labels rest on (low for a guess such as `other`). */
  confidence: number;
}

export interface Understanding {
  understand(text: string): Promise<Understood>;
}

export const LANGUAGES: readonly Language[] = ['as', 'hi', 'en', 'bn'];
export const INTENTS: readonly Intent[] = [
  'emergency', 'report_concern', 'teacher_guidance', 'find_services', 'talk_to_counsellor', 'greeting', 'help', 'other',
];
export const CATEGORIES: readonly Category[] = [
  'sexual_abuse', 'physical_abuse', 'child_marriage', 'child_labour', 'trafficking', 'missing_child',
  'online_abuse', 'bullying', 'corporal_punishment', 'neglect', 'self_harm', 'other',
];
