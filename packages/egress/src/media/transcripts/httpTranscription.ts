import type { HttpRecognizerConfig } from './transcriptsConfig.js';

/**
 * POSTs one WAV to an OpenAI-compatible transcription endpoint (`/v1/audio/transcriptions`:
 * OpenAI, whisper.cpp's server, faster-whisper servers…) as multipart/form-data with `file` and
 * `model`, and returns the `text` of its JSON answer. Errors name the host only: the URL's path
 * or query and the key may be secrets.
 */
export async function transcribeWav(wav: Buffer, config: HttpRecognizerConfig, signal: AbortSignal): Promise<string> {
  const form = new FormData();
  // A copy into a plain Uint8Array: Node's Buffer type is not a BlobPart in the DOM typings the tests compile with.
  form.append('file', new Blob([Uint8Array.from(wav)], { type: 'audio/wav' }), 'utterance.wav');
  form.append('model', config.model);
  form.append('response_format', 'json');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  const where = hostOf(config.url);
  let response: Response;
  try {
    response = await fetch(config.url, { method: 'POST', headers, body: form, signal });
  } catch (error) {
    throw new Error(`speech-to-text request to ${where} failed: ${reason(error, config.timeoutMs)}`);
  }
  if (!response.ok) {
    // Not its body: a server may echo the request, key included.
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`speech-to-text at ${where} answered HTTP ${response.status}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new Error(`speech-to-text at ${where} sent no JSON: ${reason(error, config.timeoutMs)}`);
  }
  const text = (body as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') throw new Error(`speech-to-text at ${where} sent JSON without a text`);
  return text.trim();
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the configured URL';
  }
}

function reason(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (e.name === 'AbortError') return 'aborted';
  // undici says "fetch failed" and puts the reason (ECONNREFUSED …) in its cause.
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
