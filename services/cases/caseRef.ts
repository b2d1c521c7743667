import { randomInt } from 'node:crypto';

/** Crockford's base32: no I, L, O, U, so a reference read aloud over the phone is not misheard. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const REF_LENGTH = 6;

export const CASE_REF_PATTERN = /^SM-[0-9A-HJKMNP-TV-Z]{6}$/;

/** A random case reference such as `SM-7K3Q9D`; uniqueness is the store's job. */
export function newCaseRef(): string {
  let ref = 'SM-';
  for (let i = 0; i < REF_LENGTH; i++) ref += CROCKFORD[randomInt(CROCKFORD.length)];
  return ref;
}

