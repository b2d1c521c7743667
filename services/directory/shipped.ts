// The list the project ships (data/directory): the statewide numbers of DOMAIN.md, and one entry
// per district body at each district headquarters, unverified and with no invented phone or
// address. Demo mode serves it; with Redis it serves until an operator imports a verified list.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { readDataFile } from './dataFiles';
import type { District } from './districts';
import { SERVICE_KINDS, ServiceEntry, ServiceList, serviceListSchema, serviceSchema, servesSchema } from './schema';

const localisedTemplate = z.object({ as: z.string(), hi: z.string(), en: z.string() });
const bodiesFileSchema = z.object({
  compiledAt: z.string().datetime(),
  note: z.string(),
  bodies: z.array(
    z.object({
      kind: z.enum(SERVICE_KINDS),
      name: localisedTemplate,
      referralPhone: z.string(),
      serves: servesSchema,
      source: z.string(),
    }),
  ),
});
const statewideFileSchema = z.object({ compiledAt: z.string().datetime(), services: z.array(serviceSchema) });

export function buildShippedList(districts: readonly District[], statewideJson: string, bodiesJson: string): ServiceList {
  const statewide = statewideFileSchema.parse(JSON.parse(statewideJson));
  const bodies = bodiesFileSchema.parse(JSON.parse(bodiesJson));
  const perDistrict = districts.flatMap((district) =>
    bodies.bodies.map(
      (body): ServiceEntry => ({
        id: `${body.kind}-${district.id}`,
        kind: body.kind,
        name: {
          as: body.name.as.replace('{{district}}', district.name.as),
          hi: body.name.hi.replace('{{district}}', district.name.hi),
          en: body.name.en.replace('{{district}}', district.name.en),
        },
        districtId: district.id,
        phones: [],
        referralPhone: body.referralPhone,
        coordinates: { ...district.location, approx: true },
        serves: body.serves,
        languages: district.officialLanguages,
        source: body.source,
        verified: false,
      }),
    ),
  );
  const services = [...statewide.services, ...perDistrict];
  return serviceListSchema.parse({
    provenance: {
      source: 'shipped: data/directory (statewide.json, districtBodies.json) and data/gazetteer/districts.csv',
      sha256: createHash('sha256').update(statewideJson).update(bodiesJson).digest('hex'),
      importedAt: statewide.compiledAt,
      count: services.length,
    },
    services,
  });
}

export function loadShippedList(districts: readonly District[]): ServiceList {
  return buildShippedList(districts, readDataFile('directory/statewide.json'), readDataFile('directory/districtBodies.json'));
}
