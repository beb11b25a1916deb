import { AppError, type Capability, type Role, type RoomSettings } from '@roomcast/protocol';
import { type ParticipantLimits, ROLE_CAPABILITIES, type Room } from '@roomcast/sfu';
import type { RoomDefinition } from './RoomDefinitions.js';
import { BUILT_IN_TYPE, type RoomTypeDefinitions, unknownApps } from './roomTypesFile.js';
import { builtInSettings, effectiveSettings, mergeSettings, participantLimitsOf } from './settingsMerge.js';

/** The types of a server started without ROOM_TYPES_FILE: the built-in `default` only. */
export const BUILT_IN_TYPES: RoomTypeDefinitions = { types: new Map([[BUILT_IN_TYPE, {}]]), defaultType: BUILT_IN_TYPE };

export interface RoomTypesOptions {
  /** PARTICIPANT_MAX_*: the per-participant limits under every type. */
  limits: ParticipantLimits;
  /** Apps of MEDIA_APPS a room's settings may auto-start. */
  appIds: ReadonlySet<string>;
}

/**
 * Gives each room its type and effective settings (built-in < type < room) on the sfu Room, where
 * the egress and signaling read them, and keeps each room's own overrides so a PATCH merges onto them.
 */
export class RoomTypes {
  readonly #builtIn: RoomSettings;
  readonly #overrides = new WeakMap<Room, RoomSettings>();
  /** A room's type or own settings were given (created with them, or patched): kept for its next home (RoomDefinitions). */
  onDefined: ((room: string, definition: RoomDefinition) => void) | undefined;

  constructor(
    readonly definitions: RoomTypeDefinitions,
    readonly options: RoomTypesOptions,
  ) {
    this.#builtIn = builtInSettings(options.limits, ROLE_CAPABILITIES as Record<Role, readonly Capability[]>);
  }

  /**
   * Checks a new room's type and settings (400 when unknown) before the room exists, and returns
   * what sets them on it once it does.
   */
  prepare(type: string | undefined, settings: RoomSettings | undefined): (room: Room) => void {
    const name = type ?? this.definitions.defaultType;
    const typeSettings = this.definitions.types.get(name);
    if (!typeSettings) throw new AppError('bad_request', `no room type named "${name}"`);
    this.#checkApps(settings ?? {});
    const own = settings ?? {};
    const effective = effectiveSettings(this.#builtIn, typeSettings, own);
    const given = type !== undefined || settings !== undefined;
    return (room) => {
      this.#apply(room, name, own, effective);
      if (given) this.onDefined?.(room.name, { type: name, settings: own });
    };
  }

  /** What gives a room made anew the definition it had on its lost home; undefined when that no longer applies here (its type is gone). */
  restorer(definition: RoomDefinition): ((room: Room) => void) | undefined {
    try {
      return this.prepare(definition.type, definition.settings);
    } catch {
      return undefined;
    }
  }

  /** A room created without a type (a token or the demo for an unknown room): the default type. */
  configureDefault(room: Room): void {
    this.prepare(undefined, undefined)(room);
  }

  /** `PATCH /v1/rooms/:room`: merges onto the room's own settings; joins and starts after it see the result. */
  update(room: Room, patch: RoomSettings): void {
    this.#checkApps(patch);
    const typeSettings = this.definitions.types.get(room.type) ?? {};
    const own = mergeSettings(this.#overrides.get(room) ?? {}, patch);
    this.#apply(room, room.type, own, effectiveSettings(this.#builtIn, typeSettings, own));
    this.onDefined?.(room.name, { type: room.type, settings: own });
  }

  #apply(room: Room, type: string, own: RoomSettings, effective: RoomSettings): void {
    room.type = type;
    room.settings = effective;
    room.limits = participantLimitsOf(effective, this.options.limits);
    this.#overrides.set(room, own);
  }

  #checkApps(settings: RoomSettings): void {
    const unknown = unknownApps(settings, this.options.appIds);
    if (unknown) throw new AppError('bad_request', `settings.media_streams.auto_start: no app "${unknown}"`);
  }
}
