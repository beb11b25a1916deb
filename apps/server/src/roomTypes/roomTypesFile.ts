import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { RoomSettingsSchema, RoomTypeNameSchema, type RoomSettings } from '@roomcast/protocol';

/** ROOM_TYPES_FILE: named room types and the one rooms get when none is asked for. */
export const RoomTypesFileSchema = z.strictObject({
  types: z.record(RoomTypeNameSchema, RoomSettingsSchema),
  default_type: RoomTypeNameSchema.optional(),
});

export interface RoomTypeDefinitions {
  types: Map<string, RoomSettings>;
  defaultType: string;
}

export class RoomTypesFileError extends Error {}

/** The built-in type: nothing over the server's own behaviour. A file may redefine it. */
export const BUILT_IN_TYPE = 'default';

/**
 * Reads and validates ROOM_TYPES_FILE (YAML for .yaml/.yml, else JSON). A problem names the file
 * and the field (`types.webinar.broadcasting.rtmp.quality: ...`), so the server stops with a message
 * that says what to fix. `appIds`: the apps of MEDIA_APPS a type may auto-start.
 */
export function loadRoomTypesFile(path: string, appIds: ReadonlySet<string>): RoomTypeDefinitions {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new RoomTypesFileError(`ROOM_TYPES_FILE: cannot read ${path}`);
  }
  return parseRoomTypes(text, /\.ya?ml$/i.test(extname(path)) ? 'yaml' : 'json', appIds);
}

export function parseRoomTypes(text: string, format: 'yaml' | 'json', appIds: ReadonlySet<string>): RoomTypeDefinitions {
  let raw: unknown;
  try {
    raw = format === 'yaml' ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new RoomTypesFileError(`ROOM_TYPES_FILE is not valid ${format.toUpperCase()}: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = RoomTypesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `ROOM_TYPES_FILE ${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new RoomTypesFileError(problems);
  }
  const types = new Map<string, RoomSettings>([[BUILT_IN_TYPE, {}], ...Object.entries(parsed.data.types)]);
  const defaultType = parsed.data.default_type ?? BUILT_IN_TYPE;
  if (!types.has(defaultType)) throw new RoomTypesFileError(`ROOM_TYPES_FILE default_type: no type named "${defaultType}"`);
  for (const [name, settings] of types) {
    const unknown = unknownApps(settings, appIds);
    if (unknown) throw new RoomTypesFileError(`ROOM_TYPES_FILE types.${name}.media_streams.auto_start: no app "${unknown}" in MEDIA_APPS`);
  }
  return { types, defaultType };
}

/** The first app a settings object auto-starts that MEDIA_APPS does not register. */
export function unknownApps(settings: RoomSettings, appIds: ReadonlySet<string>): string | undefined {
  return settings.media_streams?.auto_start?.find((id) => !appIds.has(id));
}
