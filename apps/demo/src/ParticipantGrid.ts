import type { LocalParticipant, LocalTrack, Participant, RemoteParticipant, RemoteTrack } from '@roomcast/client';
import type { AudioUnlock } from './AudioUnlock.js';
import { ParticipantTile } from './ParticipantTile.js';

/** The remote participants' tiles (in `#grid`) and the local camera preview (in `#local`). */
export class ParticipantGrid {
  readonly #tiles = new Map<string, ParticipantTile>();
  #localTile: ParticipantTile | undefined;

  constructor(
    private readonly grid: HTMLElement,
    private readonly local: HTMLElement,
    private readonly audio: AudioUnlock,
  ) {}

  /** Adds a tile for a participant, or refreshes its caption. */
  upsert(participant: RemoteParticipant): void {
    const tile = this.#tiles.get(participant.id);
    if (tile) {
      tile.update(participant);
      return;
    }
    const created = new ParticipantTile(participant, { 'data-participant-id': participant.id });
    this.#tiles.set(participant.id, created);
    this.grid.append(created.element);
  }

  remove(participantId: string): void {
    this.#tiles.get(participantId)?.remove();
    this.#tiles.delete(participantId);
  }

  showTrack(participant: RemoteParticipant, track: RemoteTrack): void {
    this.upsert(participant);
    const tile = this.#tiles.get(participant.id)!;
    const element = tile.attach(track, participant.name);
    if (element instanceof HTMLAudioElement) this.audio.play(element);
    tile.update(participant);
  }

  hideTrack(participant: RemoteParticipant, track: RemoteTrack): void {
    this.#tiles.get(participant.id)?.detach(track);
  }

  /** A track was muted or unmuted: the caption says so. */
  refresh(participant: Participant): void {
    if (participant.isLocal) this.#localTile?.update(participant, 'You');
    else this.#tiles.get(participant.id)?.update(participant);
  }

  /** The local camera (not the microphone: hearing yourself echoes). */
  showLocal(participant: LocalParticipant, track: LocalTrack): void {
    if (track.kind !== 'video') return;
    this.#localTile ??= this.#createLocalTile(participant);
    this.#localTile.attach(track, 'You');
    this.#localTile.update(participant, 'You');
  }

  hideLocal(track: LocalTrack): void {
    this.#localTile?.detach(track);
  }

  clear(): void {
    for (const tile of this.#tiles.values()) tile.remove();
    this.#tiles.clear();
    this.#localTile?.remove();
    this.#localTile = undefined;
  }

  #createLocalTile(participant: LocalParticipant): ParticipantTile {
    // No data-participant-id: that attribute marks remote participants' tiles only.
    const tile = new ParticipantTile(participant, { 'data-local': 'true' });
    this.local.append(tile.element);
    return tile;
  }
}
