import { z } from 'zod';
import { MediaAppIdSchema, MediaStreamKindSchema } from '@roomcast/protocol';

/** One app of MEDIA_APPS: who may receive a room's media, and where its webhooks go. */
const MediaAppSchema = z.strictObject({
  id: MediaAppIdSchema,
  client_id: z.string().min(1).max(128),
  /** Signs the app's webhooks and checks its handshakes: at least 16 characters. */
  client_secret: z.string().min(16).max(256),
  webhook_url: z.url({ protocol: /^https?$/ }),
  allow: z.array(MediaStreamKindSchema).min(1).default(['audio', 'video', 'transcript']),
  /** Start a stream for this app when a room starts, or when each participant joins (the first join of a room starts one). */
  auto_start: z.union([z.enum(['room', 'participant']), z.literal(false)]).default(false),
  /** What an automatic start carries (default: audio per participant, 16 kHz PCM). */
  auto_start_media: z.record(z.string(), z.unknown()).optional(),
});
export type MediaApp = z.infer<typeof MediaAppSchema>;

const MediaAppsSchema = z
  .array(MediaAppSchema)
  .max(64)
  .refine((apps) => new Set(apps.map((a) => a.id)).size === apps.length, { message: 'app ids must be unique' });

export class MediaAppsConfigError extends Error {}

/** The apps registered in MEDIA_APPS (a JSON array), validated at start. Secrets never leave this class in messages. */
export class MediaApps {
  readonly #apps: Map<string, MediaApp>;

  constructor(apps: MediaApp[]) {
    this.#apps = new Map(apps.map((app) => [app.id, app]));
  }

  /** Parses MEDIA_APPS; a problem names the field, never a value (values hold secrets). */
  static parse(json: string | undefined): MediaApps {
    if (json === undefined || json.trim() === '') return new MediaApps([]);
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch {
      throw new MediaAppsConfigError('MEDIA_APPS is not valid JSON');
    }
    const parsed = MediaAppsSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `MEDIA_APPS.${i.path.join('.')}: ${i.message}`).join('; ');
      throw new MediaAppsConfigError(problems);
    }
    return new MediaApps(parsed.data);
  }

  byId(id: string): MediaApp | undefined {
    return this.#apps.get(id);
  }

  all(): MediaApp[] {
    return [...this.#apps.values()];
  }
}
