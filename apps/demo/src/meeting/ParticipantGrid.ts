import type { LocalTrack, Participant, RemoteTrack } from '@roomcast/client';
import type { AudioUnlock } from '../AudioUnlock.js';
import type { QualityLevel } from './connectionQuality.js';
import { bestGrid, spotlightWidth } from './gridLayout.js';
import { mediaState } from './participantMedia.js';
import { ParticipantTile } from './ParticipantTile.js';

export type StageView = 'grid' | 'spotlight';

const GAP = 8;
const PADDING = 12;
/** Filmstrip tiles in spotlight view: narrower on phones. */
const stripWidth = (stageWidth: number): number => (stageWidth < 600 ? 112 : 160);

/**
 * The stage: a camera tile per participant who may publish (viewers are in the participant list
 * only), a tile per screen share, and the local camera. Grid view sizes every tile to fit; the
 * spotlight view shows one tile large (a remote screen share, else the active speaker) above a
 * filmstrip. Remote camera tiles carry `data-participant-id`; the local one `data-local`, and
 * screen shares `data-screen-of`, so `[data-participant-id]` means "a remote camera" to tests.
 */
export class ParticipantGrid {
  readonly #cameras = new Map<string, ParticipantTile>();
  readonly #screens = new Map<string, ParticipantTile>();
  #local: ParticipantTile | undefined;
  #localId = '';
  #view: StageView = 'grid';
  #speakerId: string | null = null;
  /** The last remote speaker, so spotlight does not jump to us when we talk. */
  #lastRemoteSpeakerId: string | null = null;
  readonly #resize = new ResizeObserver(() => this.#layout());

  constructor(
    private readonly stage: HTMLElement,
    private readonly empty: HTMLElement,
    private readonly audio: AudioUnlock,
  ) {
    this.#resize.observe(stage);
    this.#layout();
  }

  /** Adds or refreshes a participant's camera tile (name, muted and camera-off indicators). */
  sync(participant: Participant): void {
    if (participant.isLocal) this.#localId = participant.id;
    if (participant.role === 'viewer') return;
    const tile = this.#cameraTile(participant);
    tile.setName(participant.name || participant.identity, participant.isLocal ? `${participant.name} (you)` : undefined);
    tile.setMedia(mediaState(participant));
    this.#screens.get(participant.isLocal ? 'local' : participant.id)?.setName(participant.name, `${participant.name}’s screen`);
  }

  showTrack(participant: Participant, track: RemoteTrack | LocalTrack): void {
    if (participant.isLocal && track.kind === 'audio') return this.sync(participant); // Hearing yourself echoes.
    const isScreen = track.source === 'screen' || track.source === 'screen-audio';
    const tile = isScreen ? this.#screenTile(participant) : this.#cameraTile(participant);
    const element = tile.attach(track, participant.name);
    if (element instanceof HTMLAudioElement) this.audio.play(element);
    this.sync(participant);
  }

  hideTrack(participant: Participant, track: RemoteTrack | LocalTrack): void {
    const key = participant.isLocal ? 'local' : participant.id;
    if (track.source === 'screen' || track.source === 'screen-audio') {
      const tile = this.#screens.get(key);
      tile?.detach(track);
      if (tile && tile.trackCount === 0) this.#drop(this.#screens, key);
    } else {
      (participant.isLocal ? this.#local : this.#cameras.get(key))?.detach(track);
    }
    this.sync(participant);
  }

  remove(participantId: string): void {
    this.#drop(this.#cameras, participantId);
    this.#drop(this.#screens, participantId);
  }

  setActiveSpeaker(participantId: string | null): void {
    this.#speakerId = participantId;
    if (participantId && participantId !== this.#localId) this.#lastRemoteSpeakerId = participantId;
    for (const [id, tile] of this.#cameras) tile.setSpeaking(id === participantId);
    this.#local?.setSpeaking(participantId !== null && participantId === this.#localId);
    if (this.#view === 'spotlight') this.#layout();
  }

  setView(view: StageView): void {
    this.#view = view;
    this.stage.dataset.view = view;
    this.#layout();
  }

  setQuality(participantId: string, level: QualityLevel): void {
    (participantId === this.#localId ? this.#local : this.#cameras.get(participantId))?.setQuality(level);
  }

  clear(): void {
    this.#resize.disconnect();
    for (const tile of [...this.#cameras.values(), ...this.#screens.values()]) tile.remove();
    this.#cameras.clear();
    this.#screens.clear();
    this.#local?.remove();
    this.#local = undefined;
  }

  #cameraTile(participant: Participant): ParticipantTile {
    if (participant.isLocal) {
      if (!this.#local) this.#add((this.#local = new ParticipantTile('camera', { 'data-local': 'true' })));
      return this.#local;
    }
    let tile = this.#cameras.get(participant.id);
    if (!tile) {
      tile = new ParticipantTile('camera', { 'data-participant-id': participant.id });
      this.#cameras.set(participant.id, tile);
      this.#add(tile);
    }
    return tile;
  }

  #screenTile(participant: Participant): ParticipantTile {
    const key = participant.isLocal ? 'local' : participant.id;
    let tile = this.#screens.get(key);
    if (!tile) {
      tile = new ParticipantTile('screen', { 'data-screen-of': key });
      tile.setName(participant.name, `${participant.name}’s screen`);
      this.#screens.set(key, tile);
      this.#add(tile);
    }
    return tile;
  }

  /** Registered first, then added: the layout counts the tile. */
  #add(tile: ParticipantTile): void {
    this.stage.append(tile.element);
    this.#layout();
  }

  #drop(tiles: Map<string, ParticipantTile>, key: string): void {
    tiles.get(key)?.remove();
    tiles.delete(key);
    this.#layout();
  }

  #tiles(): ParticipantTile[] {
    return [...this.#screens.values(), ...this.#cameras.values(), ...(this.#local ? [this.#local] : [])];
  }

  /** Remote screen share first, then who speaks (or spoke last), then anyone, then us. */
  #spotlit(): ParticipantTile | undefined {
    const remoteScreen = [...this.#screens].find(([key]) => key !== 'local')?.[1];
    const speaker = this.#cameras.get(this.#speakerId ?? '') ?? this.#cameras.get(this.#lastRemoteSpeakerId ?? '');
    return remoteScreen ?? speaker ?? this.#cameras.values().next().value ?? this.#screens.get('local') ?? this.#local;
  }

  /** Sizes the tiles to the stage (see gridLayout.ts); cheap enough to run on every change. */
  #layout(): void {
    const tiles = this.#tiles();
    this.empty.hidden = this.#cameras.size + this.#screens.size > 0;
    const width = this.stage.clientWidth - 2 * PADDING;
    const height = this.stage.clientHeight - 2 * PADDING;
    if (width <= 0 || height <= 0) return;
    const spotlit = this.#view === 'spotlight' ? this.#spotlit() : undefined;
    for (const tile of tiles) tile.element.classList.toggle('spotlit', tile === spotlit);
    const strip = stripWidth(width);
    this.stage.style.setProperty('--strip-w', `${strip}px`);
    if (spotlit) {
      const spot = spotlightWidth(width, height, tiles.length - 1, (strip * 9) / 16, GAP);
      this.stage.style.setProperty('--spot-w', `${spot}px`);
      return;
    }
    const fit = bestGrid(tiles.length, width, height, GAP);
    this.stage.style.setProperty('--cols', String(fit.cols));
    this.stage.style.setProperty('--tile-w', `${fit.tileWidth}px`);
  }
}
