// The shape of one service in the directory, checked by zod wherever a list enters the system
// (the shipped data at start-up, an operator's import, a list read back from Redis).
import { z } from 'zod';

export const SERVICE_KINDS = ['osc', 'childline', 'cwc', 'dcpu', 'sjpu', 'police', 'dlsa', 'ascpcr', 'helpline'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** Assam with a margin: coordinates outside this box are a typo, not a service. */
export const ASSAM_BOUNDS = { minLat: 24.0, maxLat: 28.3, minLon: 89.6, maxLon: 96.2 } as const;

const text = z.string().trim().min(1);
const localisedText = z.object({ as: text, hi: text, en: text }).strict();

/** A phone number as people dial it: digits, optionally a leading + and single spaces or dashes. */
export const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9](?:[0-9]|[ -](?=[0-9])){2,17}$/, 'a phone number is digits, optionally with + and spaces');

const coordinatesSchema = z
  .object({
    lat: z.number().min(ASSAM_BOUNDS.minLat).max(ASSAM_BOUNDS.maxLat),
    lon: z.number().min(ASSAM_BOUNDS.minLon).max(ASSAM_BOUNDS.maxLon),
    /** true when the point is the district headquarters town, not the office itself */
    approx: z.boolean(),
  })
  .strict();

/** Who a service takes. A One Stop Centre: girls, women, and boys only up to 8 (with their mother). */
export const servesSchema = z
  .object({
    girls: z.boolean(),
    boys: z.boolean(),
    boysMaxAge: z.number().int().min(0).max(17).optional(),
    women: z.boolean(),
    men: z.boolean(),
  })
  .strict()
  .refine((s) => s.boys || s.boysMaxAge === undefined, { message: 'boysMaxAge needs boys: true' })
  .refine((s) => s.girls || s.boys || s.women || s.men, { message: 'a service serves somebody' });

export const serviceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'id: lower-case letters, digits and dashes'),
    kind: z.enum(SERVICE_KINDS),
    name: localisedText,
    /** district id (see data/gazetteer); absent for a statewide service */
    districtId: z.string().min(1).optional(),
    /** the address in English, and in Assamese and Hindi where known */
    address: z.object({ en: text, as: text.optional(), hi: text.optional() }).strict().optional(),
    phones: z.array(phoneSchema).max(5),
    /** the helpline that connects a caller to this service when it has no number of its own */
    referralPhone: phoneSchema.optional(),
    coordinates: coordinatesSchema.optional(),
    /** opening hours as written on the office door, e.g. "24x7" or "Mon-Sat 10:00-17:00" */
    hours: text.optional(),
    serves: servesSchema,
    /** languages spoken there (ISO 639 codes); empty when not known */
    languages: z.array(z.string().regex(/^[a-z]{2,3}$/, 'a language is an ISO 639 code such as as, hi, bn')),
    source: text,
    verified: z.boolean(),
    verifiedAt: z.string().date('verifiedAt is a date such as 2026-01-31').optional(),
  })
  .strict()
  .refine((s) => s.phones.length > 0 || s.referralPhone !== undefined, {
    message: 'a service needs a phone number or a referralPhone (1098 or 181) to call for it',
    path: ['phones'],
  })
  .refine((s) => !s.verified || s.verifiedAt !== undefined, { message: 'a verified entry says when (verifiedAt)', path: ['verifiedAt'] })
  .refine((s) => s.districtId !== undefined || s.coordinates === undefined, {
    message: 'a service with coordinates belongs to a district',
    path: ['districtId'],
  });

export type ServiceEntry = z.infer<typeof serviceSchema>;
export type Serves = z.infer<typeof servesSchema>;

/** Where a list came from: kept with the list so an operator can tell which import is live. */
export const provenanceSchema = z
  .object({
    source: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    importedAt: z.string().datetime(),
    count: z.number().int().min(0),
  })
  .strict();
export type Provenance = z.infer<typeof provenanceSchema>;

export const serviceListSchema = z
  .object({ provenance: provenanceSchema, services: z.array(serviceSchema) })
  .strict();
export type ServiceList = z.infer<typeof serviceListSchema>;
