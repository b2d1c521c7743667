// npm run pincodes:import -- FILE.csv
// Reads India Post's All India Pincode Directory (data.gov.in, CSV with the columns pincode,
// district or districtname, and statename), keeps Assam's rows and writes every PIN code with the
// districts its post offices name to data/gazetteer/pincodes-assam.csv, which the service then uses
// before the unverified prefix table. Restart the service to pick it up.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadGazetteer } from '../services/directory/gazetteer';
import { EXACT_FILE, importPincodeDirectory, parseExactTable } from '../services/directory/pincodes';
import { dataDir } from '../services/paths';
import { readInputFile } from './inputFile';

function main(args: string[]): number {
  const file = args[0];
  if (!file || args.length > 1) {
    console.error('usage: npm run pincodes:import -- FILE.csv');
    return 2;
  }
  const content = readInputFile(file);
  if (content === undefined) return 2;
  const gazetteer = loadGazetteer();
  const sha256 = createHash('sha256').update(content, 'utf8').digest('hex');
  const header = [
    `Imported by npm run pincodes:import from ${basename(file)} (sha256 ${sha256}) on ${new Date().toISOString().slice(0, 10)}:`,
    "India Post's All India Pincode Directory, Assam rows. Each PIN code lists every district its post offices name.",
    'India Post may still name the parent of a district formed since 2015: a PIN code with several districts is confirmed by the person.',
  ].join('\n');
  let result;
  try {
    result = importPincodeDirectory(content, gazetteer, header);
  } catch (err) {
    console.error(`${file}: ${(err as Error).message}; nothing written`);
    return 1;
  }
  if (result.pins === 0) {
    console.error(`${file}: no Assam PIN code found (${result.assamRows} Assam rows); nothing written`);
    return 1;
  }
  parseExactTable(result.csv, gazetteer); // what the service will read must read back
  const target = join(dataDir(), EXACT_FILE);
  writeFileSync(target, result.csv);
  console.log(`${result.pins} Assam PIN codes from ${result.assamRows} rows written to ${target}`);
  if (result.oddPins > 0) console.log(`${result.oddPins} Assam row(s) with a PIN code not starting 78 left out`);
  if (result.unknownDistricts.length > 0) {
    console.log(`district names not in the gazetteer, their rows left out (add them to data/gazetteer/variants.json and import again): ${result.unknownDistricts.join(', ')}`);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
