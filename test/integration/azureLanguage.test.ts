import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '../../services/logger';
import { AZURE_MAX_CHARS, AzureLanguageUnderstanding, EmbeddedUnderstanding } from '../../services/understanding';

/**
 * The real @azure/ai-language-text client against a loopback server that answers like
 * POST /language/:analyze-text?api-version=2023-04-01 (results, error documents, 429, 500, a hang).
 */
type Mode = 'hindi' | 'pii' | 'documentError' | 'badRequest' | 'throttled' | 'serverError' | 'hang';

interface Seen {
  path: string;
  key: string | undefined;
  body: {
    kind: string;
    parameters?: { loggingOptOut?: boolean };
    analysisInput: { documents: { id: string; text: string; countryHint?: string }[] };
  };
}

const KEY = 'test-key-not-secret';
let mode: Mode = 'hindi';
const seen: Seen[] = [];
let server: Server;
let endpoint: string;

class Lines extends Writable {
  text = '';
  _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function answer(req: IncomingMessage, res: ServerResponse, raw: string): void {
  const body = JSON.parse(raw) as Seen['body'];
  seen.push({ path: req.url ?? '', key: req.headers['ocp-apim-subscription-key'] as string | undefined, body });
  const id = body.analysisInput.documents[0].id;
  switch (mode) {
    case 'hindi':
      return json(res, 200, {
        kind: 'LanguageDetectionResults',
        results: {
          documents: [{ id, detectedLanguage: { name: 'Hindi', iso6391Name: 'hi', confidenceScore: 0.97 }, warnings: [] }],
          errors: [],
          modelVersion: '2022-10-01',
        },
      });
    case 'pii':
      return json(res, 200, {
        kind: 'PiiEntityRecognitionResults',
        results: {
          documents: [
            {
              id,
              redactedText: 'my name is ***** and I live here',
              entities: [{ text: 'Priya', category: 'Person', offset: 11, length: 5, confidenceScore: 0.99 }],
              warnings: [],
            },
          ],
          errors: [],
          modelVersion: '2023-09-01',
        },
      });
    case 'documentError':
      return json(res, 200, {
        kind: 'LanguageDetectionResults',
        results: {
          documents: [],
          errors: [{ id, error: { code: 'InvalidArgument', message: 'Invalid document in request.', innererror: { code: 'InvalidDocument', message: 'Document text is empty.' } } }],
          modelVersion: '2022-10-01',
        },
      });
    case 'badRequest':
      return json(res, 400, { error: { code: 'InvalidRequest', message: 'Invalid Request.', innererror: { code: 'InvalidParameterValue', message: 'Job task parameter value bad' } } });
    case 'throttled':
      return json(res, 429, { error: { code: '429', message: 'Rate limit is exceeded. Try again in 30 seconds.' } }, { 'retry-after': '30' });
    case 'serverError':
      return json(res, 500, { error: { code: 'InternalServerError', message: 'Internal error.' } });
    case 'hang':
      return; // never answers: the client's timeout must end the wait
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => answer(req, res, raw));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
});

const embedded = new EmbeddedUnderstanding();

/** Generous by default (a loaded CI machine); the failure cases pass a short one so a hang ends soon. */
function azure(timeoutMs = 10_000, logs = new Lines()): { reader: AzureLanguageUnderstanding; logs: Lines } {
  const reader = new AzureLanguageUnderstanding({
    endpoint,
    key: KEY,
    embedded,
    logger: createLogger({ level: 'warn', destination: logs }),
    timeoutMs,
    allowInsecureConnection: true,
  });
  return { reader, logs };
}

// No function words: the embedded language guess is weak, so Azure is asked. The risk is plain.
const WEAK_LANGUAGE_DANGER = 'suicide';

describe('Azure AI Language through the real SDK', () => {
  it('settles a weak language guess; intent and risk stay the embedded ones', async () => {
    mode = 'hindi';
    const result = await azure().reader.understand(WEAK_LANGUAGE_DANGER);
    expect(result).toMatchObject({ language: 'hi', intent: 'emergency', risk: 'high', category: 'self_harm' });
    expect(seen).toHaveLength(1);
    expect(seen[0].path).toMatch(/^\/language\/:analyze-text\?api-version=2023-04-01/);
    expect(seen[0].key).toBe(KEY);
    expect(seen[0].body.kind).toBe('LanguageDetection');
    expect(seen[0].body.parameters?.loggingOptOut).toBe(true);
    expect(seen[0].body.analysisInput.documents[0].countryHint).toBe('in');
  });

  it('cuts text over 5,120 characters before it is sent', async () => {
    mode = 'hindi';
    await azure().reader.understand('ok '.repeat(3000));
    expect(seen[0].body.analysisInput.documents[0].text).toHaveLength(AZURE_MAX_CHARS);
  });

  it('does not call Azure when the embedded reader is already sure of the language', async () => {
    mode = 'hindi';
    const result = await azure().reader.understand('মোৰ দেউতাই মোক মাৰি আছে');
    expect(seen).toHaveLength(0);
    expect(result).toMatchObject({ language: 'as', risk: 'high' });
  });

  it.each<Mode>(['documentError', 'badRequest', 'throttled', 'serverError', 'hang'])(
    'falls back to the embedded result on %s, and logs no message text',
    async (failure) => {
      mode = failure;
      // A hang or a 30 s Retry-After is cut by the timeout; the other failures answer at once.
      const { reader, logs } = azure(failure === 'hang' || failure === 'throttled' ? 2000 : 10_000);
      const result = await reader.understand(WEAK_LANGUAGE_DANGER);
      expect(result).toEqual(embedded.classify(WEAK_LANGUAGE_DANGER));
      expect(seen.length).toBeGreaterThanOrEqual(1);
      expect(logs.text).toContain('azure language');
      expect(logs.text).not.toContain(WEAK_LANGUAGE_DANGER);
    },
  );

  it('redacts person names with PII recognition, and answers null when Azure cannot', async () => {
    mode = 'pii';
    const { reader } = azure();
    await expect(reader.redactPii('my name is Priya and I live here')).resolves.toBe('my name is ***** and I live here');
    expect(seen[0].body.kind).toBe('PiiEntityRecognition');
    expect(seen[0].body.parameters?.loggingOptOut).toBe(true);
    mode = 'serverError';
    await expect(reader.redactPii('my name is Priya')).resolves.toBeNull();
  });
});
