import type { MediaApps } from '../rtms/mediaApps.js';
import { BUILT_IN_TYPES } from './RoomTypes.js';
import { loadRoomTypesFile, type RoomTypeDefinitions, RoomTypesFileError } from './roomTypesFile.js';

/** ROOM_TYPES_FILE for loadConfig: the built-in types when unset; a bad file becomes the config's own error. */
export function roomTypesConfig(path: string | undefined, apps: MediaApps, configError: (message: string) => Error): RoomTypeDefinitions {
  if (path === undefined) return BUILT_IN_TYPES;
  try {
    return loadRoomTypesFile(path, new Set(apps.all().map((app) => app.id)));
  } catch (error) {
    throw error instanceof RoomTypesFileError ? configError(error.message) : error;
  }
}
