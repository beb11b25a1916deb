import { describe, expect, it } from 'vitest';
import { createRecognizer } from './createRecognizer.js';
import { DEFAULT_POCKETSPHINX_MODEL_DIR, parseTranscriptsConfig } from './transcriptsConfig.js';

describe('parseTranscriptsConfig', () => {
  it('defaults to pocketsphinx with Debian’s model', () => {
    expect(parseTranscriptsConfig({})).toEqual({
      recognizer: 'pocketsphinx',
      pocketsphinx: { modelDir: DEFAULT_POCKETSPHINX_MODEL_DIR },
    });
    expect(parseTranscriptsConfig({ TRANSCRIPTS_RECOGNIZER: '', TRANSCRIPTS_POCKETSPHINX_MODEL_DIR: '/m' })).toEqual({
      recognizer: 'pocketsphinx',
      pocketsphinx: { modelDir: '/m' },
    });
  });

  it('reads the http recognizer with its defaults', () => {
    const config = parseTranscriptsConfig({ TRANSCRIPTS_RECOGNIZER: 'http', TRANSCRIPTS_HTTP_URL: 'http://127.0.0.1:9000/v1/audio/transcriptions' });
    expect(config).toEqual({
      recognizer: 'http',
      http: { url: 'http://127.0.0.1:9000/v1/audio/transcriptions', model: 'whisper-1', apiKey: undefined, timeoutMs: 30_000 },
    });
    const full = parseTranscriptsConfig({
      TRANSCRIPTS_RECOGNIZER: 'http',
      TRANSCRIPTS_HTTP_URL: 'https://stt.example/v1/audio/transcriptions',
      TRANSCRIPTS_HTTP_MODEL: 'large-v3',
      TRANSCRIPTS_HTTP_API_KEY: 'sk-secret',
      TRANSCRIPTS_HTTP_TIMEOUT_MS: '5000',
    });
    expect(full).toMatchObject({ http: { model: 'large-v3', apiKey: 'sk-secret', timeoutMs: 5000 } });
  });

  it('refuses http without a URL, a bad URL, a URL with credentials, a bad timeout or recognizer', () => {
    expect(() => parseTranscriptsConfig({ TRANSCRIPTS_RECOGNIZER: 'http' })).toThrow(/TRANSCRIPTS_HTTP_URL/);
    expect(() => parseTranscriptsConfig({ TRANSCRIPTS_RECOGNIZER: 'http', TRANSCRIPTS_HTTP_URL: 'ftp://x/y' })).toThrow(/TRANSCRIPTS_HTTP_URL/);
    expect(() => parseTranscriptsConfig({ TRANSCRIPTS_RECOGNIZER: 'http', TRANSCRIPTS_HTTP_URL: 'https://u:hunter2@stt.example/' })).toThrow(
      /credentials/,
    );
    expect(() => parseTranscriptsConfig({ TRANSCRIPTS_HTTP_TIMEOUT_MS: 'soon' })).toThrow(/TRANSCRIPTS_HTTP_TIMEOUT_MS/);
    expect(() => parseTranscriptsConfig({ TRANSCRIPTS_RECOGNIZER: 'vosk' })).toThrow(/TRANSCRIPTS_RECOGNIZER/);
  });

  it('never puts the key or a URL password in its error', () => {
    let message = '';
    try {
      parseTranscriptsConfig({ TRANSCRIPTS_HTTP_URL: 'https://u:hunter2@stt.example/', TRANSCRIPTS_HTTP_API_KEY: 'sk-secret', TRANSCRIPTS_HTTP_TIMEOUT_MS: 'x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/invalid transcripts configuration/);
    expect(message).not.toMatch(/hunter2|sk-secret/);
  });
});

describe('createRecognizer', () => {
  it('makes the configured recognizer, none for `none`', () => {
    expect(createRecognizer({ recognizer: 'none' })).toBeUndefined();
    expect(createRecognizer(parseTranscriptsConfig({}))?.name).toBe('pocketsphinx');
    expect(createRecognizer(parseTranscriptsConfig({ TRANSCRIPTS_RECOGNIZER: 'http', TRANSCRIPTS_HTTP_URL: 'http://127.0.0.1:1/' }))?.name).toBe('http');
  });
});
