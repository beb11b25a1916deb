import { AppError, type Capability, type Role } from '@roomcast/protocol';
import type { Room } from '@roomcast/sfu';

/**
 * Refuses a connection that would take the room past its `limits.max_participants` (429). Another
 * connection of an identity already in the room replaces it, so it takes no new place.
 */
export function assertRoomHasPlace(room: Room, identity: string): void {
  if (!hasPlace(room, identity)) {
    throw new AppError('limit_exceeded', `room ${room.name} holds at most ${room.settings.limits?.max_participants} participants`);
  }
}

export function hasPlace(room: Room, identity: string): boolean {
  const max = room.settings.limits?.max_participants;
  if (max === undefined) return true;
  const present = [...room.participants.values()];
  return present.some((p) => p.identity === identity) || present.length < max;
}

/** A joining participant's capabilities: its token's own, else its role's in the room's settings (else the built-in ones). */
export function capabilitiesFor(room: Room, role: Role, fromToken: Capability[] | undefined): Capability[] | undefined {
  return fromToken ?? room.settings.roles?.[role];
}
