import type { Logger } from '../logger';
import { AzureLanguageUnderstanding } from './azure';
import { EmbeddedUnderstanding } from './embedded';
import type { Understanding } from './types';

export * from './types';
export { normalise } from './normalise';
export { EmbeddedUnderstanding } from './embedded';
export { AzureLanguageUnderstanding, AZURE_MAX_CHARS } from './azure';

/** Azure AI Language refines language when both settings are given; the embedded reader otherwise. */
export function createUnderstanding(opts: { azureEndpoint?: string; azureKey?: string; logger: Logger }): Understanding {
  const embedded = new EmbeddedUnderstanding();
  if (opts.azureEndpoint && opts.azureKey) {
    return new AzureLanguageUnderstanding({ endpoint: opts.azureEndpoint, key: opts.azureKey, embedded, logger: opts.logger });
  }
  return embedded;
}
