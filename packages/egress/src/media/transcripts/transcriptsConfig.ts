import { z } from 'zod';

export const DEFAULT_POCKETSPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

export type TranscriptsConfig =
  | { recognizer: 'none' }
  | { recognizer: 'pocketsphinx'; pocketsphinx: { modelDir: string } }
  | { recognizer: 'http'; http: HttpRecognizerConfig };

export interface HttpRecognizerConfig {
  /** An OpenAI-compatible `/v1/audio/transcriptions` endpoint (a self-hosted Whisper server, say). */
  url: string;
  model: string;
  /** Sent as `Authorization: Bearer …`; never logged, never in an error. */
  apiKey?: string;
  timeoutMs: number;
}

// An empty variable (`FOO=` in an env file) means unset, not an empty value.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const httpUrl = z
  .url({ protocol: /^https?$/ })
  // fetch refuses URLs with credentials, and they would end up in logs: the key has its own variable.
  .refine((url) => !new URL(url).username && !new URL(url).password, {
    message: 'must not hold credentials: put the key in TRANSCRIPTS_HTTP_API_KEY',
  });

/** The environment variables of transcripts (the server's config mirrors them in its README table). */
export const TranscriptsEnvSchema = z.object({
  TRANSCRIPTS_RECOGNIZER: optional(z.enum(['pocketsphinx', 'http', 'none'])).transform((v) => v ?? 'pocketsphinx'),
  TRANSCRIPTS_POCKETSPHINX_MODEL_DIR: optional(z.string().min(1)).transform((v) => v ?? DEFAULT_POCKETSPHINX_MODEL_DIR),
  TRANSCRIPTS_HTTP_URL: optional(httpUrl),
  TRANSCRIPTS_HTTP_MODEL: optional(z.string().min(1)).transform((v) => v ?? 'whisper-1'),
  TRANSCRIPTS_HTTP_API_KEY: optional(z.string().min(1)),
  TRANSCRIPTS_HTTP_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(600_000)).transform((v) => v ?? 30_000),
});

export type TranscriptsEnv = z.output<typeof TranscriptsEnvSchema>;

/** Builds the config from already validated variables; throws when `http` has no URL. */
export function transcriptsConfigFromEnv(env: TranscriptsEnv): TranscriptsConfig {
  switch (env.TRANSCRIPTS_RECOGNIZER) {
    case 'none':
      return { recognizer: 'none' };
    case 'pocketsphinx':
      return { recognizer: 'pocketsphinx', pocketsphinx: { modelDir: env.TRANSCRIPTS_POCKETSPHINX_MODEL_DIR } };
    case 'http':
      if (!env.TRANSCRIPTS_HTTP_URL) throw new Error('TRANSCRIPTS_RECOGNIZER=http needs TRANSCRIPTS_HTTP_URL');
      return {
        recognizer: 'http',
        http: {
          url: env.TRANSCRIPTS_HTTP_URL,
          model: env.TRANSCRIPTS_HTTP_MODEL,
          apiKey: env.TRANSCRIPTS_HTTP_API_KEY,
          timeoutMs: env.TRANSCRIPTS_HTTP_TIMEOUT_MS,
        },
      };
  }
}

/** Validates the transcript variables of `env` (unknown ones are ignored). Throws a readable error. */
export function parseTranscriptsConfig(env: Record<string, string | undefined>): TranscriptsConfig {
  const parsed = TranscriptsEnvSchema.safeParse(env);
  if (!parsed.success) {
    // The issue's path and message only: zod does not echo the input, so no key can leak here.
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid transcripts configuration: ${problems.join('; ')}`);
  }
  return transcriptsConfigFromEnv(parsed.data);
}
