import { AzureKeyCredential, TextAnalysisClient } from '@azure/ai-language-text';
import type { Logger } from '../logger';
import type { EmbeddedUnderstanding } from './embedded';
import type { Language, Understanding, Understood } from './types';

/** The service's document limit for synchronous calls; longer text is cut before it leaves the process. */
export const AZURE_MAX_CHARS = 5120;

export interface AzureLanguageOptions {
  endpoint: string;
  key: string;
  embedded: EmbeddedUnderstanding;
  logger: Logger;
  /** Abort a call after this long: a child in danger must not wait on a network. */
  timeoutMs?: number;
  maxRetries?: number;
  /** Only for tests against a loopback http:// stub. */
  allowInsecureConnection?: boolean;
}

const OURS: ReadonlySet<string> = new Set<Language>(['as', 'hi', 'en', 'bn']);
/** Below this the embedded reader's own language guess is weak enough for Azure to settle it. */
const EMBEDDED_SURE = 0.7;
const AZURE_SURE = 0.8;

/**
 * Azure AI Language refines what the embedded reader found: language (country hint "in") when the
 * embedded guess is weak, and person names for redaction. Intent and risk always stay embedded (Azure has
 * no model for them). Service logging is off (children's data); any error, 429 or timeout falls back to
 * the embedded result for that message.
 */
export class AzureLanguageUnderstanding implements Understanding {
  private readonly client: TextAnalysisClient;
  private readonly timeoutMs: number;

  constructor(private readonly opts: AzureLanguageOptions) {
    this.client = new TextAnalysisClient(opts.endpoint, new AzureKeyCredential(opts.key), {
      defaultCountryHint: 'in',
      retryOptions: { maxRetries: opts.maxRetries ?? 1 },
      allowInsecureConnection: opts.allowInsecureConnection,
    });
    this.timeoutMs = opts.timeoutMs ?? 1000;
  }

  async understand(text: string): Promise<Understood> {
    const { understood: embedded, languageConfidence } = this.opts.embedded.read(text);
    if (languageConfidence >= EMBEDDED_SURE || text.trim().length === 0) return embedded;
    try {
      const [result] = await this.client.analyze(
        'LanguageDetection',
        [{ id: '1', text: text.slice(0, AZURE_MAX_CHARS), countryHint: 'in' }],
        { disableServiceLogs: true, abortSignal: AbortSignal.timeout(this.timeoutMs) },
      );
      if (result.error) {
        this.opts.logger.warn({ code: result.error.code }, 'azure language: document error, embedded language kept');
        return embedded;
      }
      const { iso6391Name, confidenceScore } = result.primaryLanguage;
      if (!OURS.has(iso6391Name) || confidenceScore < AZURE_SURE) return embedded;
      if (!fitsScript(iso6391Name as Language, embedded)) return embedded;
      return { ...embedded, language: iso6391Name as Language };
    } catch (err) {
      this.logFallback(err);
      return embedded;
    }
  }

  /** The text with person names (and any other PII Azure finds) masked; null when Azure cannot answer. */
  async redactPii(text: string): Promise<string | null> {
    try {
      const [result] = await this.client.analyze('PiiEntityRecognition', [{ id: '1', text: text.slice(0, AZURE_MAX_CHARS) }], {
        disableServiceLogs: true,
        abortSignal: AbortSignal.timeout(this.timeoutMs),
      });
      return result.error ? null : result.redactedText;
    } catch (err) {
      this.logFallback(err);
      return null;
    }
  }

  /** Logs what failed without the error object: an SDK error carries the request, and so the child's words. */
  private logFallback(err: unknown): void {
    const e = err as { name?: string; statusCode?: number; code?: string };
    this.opts.logger.warn({ error: e.name, status: e.statusCode, code: e.code }, 'azure language failed; embedded result used');
  }
}

/** Azure may only move a message between languages its script can be: Assamese/Bengali script stays as/bn. */
function fitsScript(language: Language, embedded: Understood): boolean {
  if (embedded.script === 'romanised') return language === 'en' || language === 'hi';
  if (embedded.language === 'hi') return language === 'hi';
  return language === 'as' || language === 'bn';
}
