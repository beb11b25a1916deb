import type { Capability, Role, RoomSettings } from '@roomcast/protocol';
import type { ParticipantLimits } from '@roomcast/sfu';

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `over` deep-merged onto `base`, neither changed: objects merge key by key, anything else
 * (arrays included: a list of renditions or capabilities is replaced whole) is replaced, and an
 * absent or undefined field keeps the base's.
 */
export function mergeSettings(base: RoomSettings, over: RoomSettings | undefined): RoomSettings {
  return mergePlain(base, over ?? {}) as RoomSettings;
}

function mergePlain(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    out[key] = isPlain(value) && isPlain(out[key]) ? mergePlain(out[key], value) : structuredClone(value);
  }
  return out;
}

/**
 * The settings a room runs with, lowest precedence first: the server's own behaviour (PARTICIPANT_MAX_*,
 * the roles' built-in capabilities, broadcasting on), the room's type, the room's own settings.
 * A start request's fields win over all of these where the request is handled (EgressService, LiveStreamService).
 */
export function effectiveSettings(builtIn: RoomSettings, type: RoomSettings, room: RoomSettings | undefined): RoomSettings {
  return mergeSettings(mergeSettings(builtIn, type), room);
}

/** The built-in layer under every type: what the server does without ROOM_TYPES_FILE. */
export function builtInSettings(limits: ParticipantLimits, roles: Record<Role, readonly Capability[]>): RoomSettings {
  return {
    broadcasting: { enabled: true },
    limits: { max_transports: limits.transportsPerDirection, max_producers: limits.producers, max_consumers: limits.consumers },
    roles: { moderator: [...roles.moderator], participant: [...roles.participant], viewer: [...roles.viewer] },
  };
}

/** Per-participant limits of effective settings (`fallback` for any the settings lack). */
export function participantLimitsOf(settings: RoomSettings, fallback: ParticipantLimits): ParticipantLimits {
  const limits = settings.limits;
  return {
    transportsPerDirection: limits?.max_transports ?? fallback.transportsPerDirection,
    producers: limits?.max_producers ?? fallback.producers,
    consumers: limits?.max_consumers ?? fallback.consumers,
  };
}
