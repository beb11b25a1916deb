import type { MediaStreamState } from '@roomcast/protocol';
import type { ParticipantView, RoomView } from '@roomcast/sfu';

/** One participant as an app sees it: RTMS's numeric user_id, the name, and its session state. */
export interface StreamSession {
  participantId: string;
  userId: number;
  userName: string;
  identity: string;
  state: MediaStreamState;
}

/**
 * RTMS identifies people by number. Numbers are per room and stable while the server runs, so two
 * streams of one room (or an app reconnecting) agree on who user 3 is. 0 is the room's mix.
 */
export class RoomUserIds {
  readonly #ids = new Map<string, number>();
  #next = 1;

  of(participantId: string): number {
    let id = this.#ids.get(participantId);
    if (id === undefined) {
      id = this.#next++;
      this.#ids.set(participantId, id);
    }
    return id;
  }
}

/** The participant sessions of one stream: who is in it, and whether each one's media flows. */
export class StreamSessions {
  readonly #sessions = new Map<string, StreamSession>();

  constructor(
    readonly room: RoomView,
    readonly userIds: RoomUserIds,
    /** The participant paused their own session (for every stream of the room). */
    readonly pausedByParticipant: (participantId: string) => boolean,
  ) {}

  get(participantId: string): StreamSession | undefined {
    return this.#sessions.get(participantId);
  }

  all(): StreamSession[] {
    return [...this.#sessions.values()];
  }

  /** Media of this participant goes to the app: their session is on and not paused. */
  flowing(participantId: string): boolean {
    const state = this.#sessions.get(participantId)?.state;
    return state === 'STARTED' || state === 'RESUMED';
  }

  /** Everyone joined now gets a session (viewers publish nothing: no session). */
  addPresent(): StreamSession[] {
    const added: StreamSession[] = [];
    for (const participant of this.room.participants.values()) {
      const session = this.add(participant);
      if (session) added.push(session);
    }
    return added;
  }

  add(participant: ParticipantView): StreamSession | undefined {
    if (!participant.joined || participant.role === 'viewer' || this.#sessions.has(participant.id)) return undefined;
    const session: StreamSession = {
      participantId: participant.id,
      userId: this.userIds.of(participant.id),
      userName: participant.name,
      identity: participant.identity,
      state: this.pausedByParticipant(participant.id) ? 'PAUSED' : 'STARTED',
    };
    this.#sessions.set(participant.id, session);
    return session;
  }

  /** Sets a session's state; the session if it changed. */
  set(participantId: string, state: MediaStreamState): StreamSession | undefined {
    const session = this.#sessions.get(participantId);
    if (!session || session.state === state || session.state === 'STOPPED') return undefined;
    session.state = state;
    return session;
  }

  remove(participantId: string): StreamSession | undefined {
    const session = this.set(participantId, 'STOPPED');
    this.#sessions.delete(participantId);
    return session;
  }

  /** Names for frames: a participant who left keeps their last name for frames still in flight. */
  label(participantId: string | null): { userId: number; userName: string } {
    if (participantId === null) return { userId: 0, userName: 'mix' };
    const session = this.#sessions.get(participantId);
    return { userId: this.userIds.of(participantId), userName: session?.userName ?? this.room.participants.get(participantId)?.name ?? '' };
  }
}
