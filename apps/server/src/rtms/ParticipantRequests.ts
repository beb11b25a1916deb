import { randomBytes } from 'node:crypto';
import { AppError, type StartMediaStreamBody } from '@roomcast/protocol';
import type { Participant, Room } from '@roomcast/sfu';

/** A participant's request to stream the room to an app, waiting for a moderator. */
export interface PendingRequest {
  id: string;
  room: Room;
  requester: Participant;
  body: StartMediaStreamBody;
  timer: NodeJS.Timeout;
}

/** How long a request waits for a moderator before it lapses (refused). */
const REQUEST_TTL_MS = 5 * 60_000;
/** Requests waiting per room at once: a participant cannot flood the moderators. */
const MAX_PENDING_PER_ROOM = 8;

/**
 * Participants' requests held for a moderator's approval (MEDIA_STREAM_PARTICIPANT_REQUESTS =
 * approval). A request lapses after a while, and goes when its requester or its room does.
 */
export class ParticipantRequests {
  readonly #pending = new Map<string, PendingRequest>();

  constructor(readonly onLapse: (request: PendingRequest) => void) {}

  add(room: Room, requester: Participant, body: StartMediaStreamBody): PendingRequest {
    const inRoom = [...this.#pending.values()].filter((r) => r.room === room);
    if (inRoom.length >= MAX_PENDING_PER_ROOM) throw new AppError('limit_exceeded', 'too many media stream requests are waiting in this room');
    if (inRoom.some((r) => r.requester === requester && r.body.app === body.app)) {
      throw new AppError('conflict', `your request for app ${body.app} is already waiting for a moderator`);
    }
    const id = randomBytes(12).toString('base64url');
    const timer = setTimeout(() => {
      const request = this.take(id);
      if (request) this.onLapse(request);
    }, REQUEST_TTL_MS);
    timer.unref();
    const request: PendingRequest = { id, room, requester, body, timer };
    this.#pending.set(id, request);
    return request;
  }

  /** Removes and returns a request of this room (a moderator answers only their own room's). */
  takeInRoom(id: string, room: Room): PendingRequest {
    const request = this.#pending.get(id);
    if (!request || request.room !== room) throw new AppError('not_found', `no media stream request ${id} in this room`);
    return this.take(id)!;
  }

  take(id: string): PendingRequest | undefined {
    const request = this.#pending.get(id);
    if (!request) return undefined;
    clearTimeout(request.timer);
    this.#pending.delete(id);
    return request;
  }
}
