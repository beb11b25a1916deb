import type { Device } from 'mediasoup-client';
import {
  type AssetInfo,
  emptyEgressState,
  type EgressState,
  type Layout,
  type LiveStreamInfo,
  type MediaStreamInfo,
  type ParticipantClaims,
  type RequestData,
  type ResponseData,
  type StartLiveStreamBody,
  type StartRtmpBroadcastsBody,
} from '@roomcast/protocol';
import { DEFAULT_RECONNECT_POLICY, type ReconnectPolicy } from './backoff.js';
import { captureCamera, captureMicrophone, captureScreen, type CaptureOption } from './capture.js';
import { claimsAllowPublish, readTokenClaims } from './connectionParams.js';
import { RoomcastError } from './errors.js';
import type { ConnectionState, DisconnectReason, RoomEventCallbacks } from './events.js';
import type { Connection } from './MediaSession.js';
import { activeMediaStreams, sameMediaStreams, type MediaAppInfo, type StartMediaStreamResult } from './mediaStreams.js';
import type { NotificationTarget } from './notificationHandlers.js';
import { LocalParticipant, type Participant, type RemoteParticipant } from './Participant.js';
import { Publisher } from './Publisher.js';
import { RoomConnector } from './RoomConnector.js';
import type { SignalClient, SignalClientOptions } from './SignalClient.js';
import { Subscriptions } from './Subscriptions.js';
import type { LocalSource, LocalTrack } from './tracks.js';
import { TypedEmitter } from './TypedEmitter.js';
import { uploadAsset } from './uploadAsset.js';

export interface JoinOptions {
  /** The server's base URL, e.g. `https://rooms.example.com` or `location.origin`. */
  url: string;
  /** A participant token from `POST /v1/rooms/:room/tokens`. */
  token: string;
  /** What to publish once joined: `true` for default capture settings, or constraints. Ignored for viewers. */
  publish?: { camera?: CaptureOption; microphone?: CaptureOption };
  /** Overrides of the reconnect backoff. */
  reconnect?: Partial<ReconnectPolicy>;
  /** Signaling timeouts (and a WebSocket factory, for tests). */
  signaling?: SignalClientOptions;
  /** Makes the mediasoup-client Device (e.g. with a specific `handlerName`); auto-detected by default. */
  createDevice?: () => Device;
}

/**
 * A Roomcast room, as seen from this browser: join it, publish camera/microphone/screen, and
 * receive everyone else automatically. Events: see `RoomEvent` and `RoomEventCallbacks`.
 *
 * ```ts
 * const room = await Room.join({ url: location.origin, token, publish: { camera: true, microphone: true } });
 * room.on(RoomEvent.TrackSubscribed, (participant, track, source, stream) => { video.srcObject = stream; });
 * ```
 */
export class Room extends TypedEmitter<RoomEventCallbacks> {
  readonly localParticipant = new LocalParticipant({
    id: '',
    identity: '',
    name: '',
    role: 'participant',
    joined_at: '',
    producers: [],
  });
  readonly #subscriptions = new Subscriptions((event, ...args) => this.emit(event, ...args));
  readonly #publisher = new Publisher(this.localParticipant, (event, ...args) => this.emit(event, ...args));
  #connector: RoomConnector | undefined;
  #claims: ParticipantClaims | undefined;
  #state: ConnectionState = 'disconnected';
  #activeSpeakerId: string | null = null;
  #egress: EgressState = emptyEgressState();
  #mediaStreams: readonly MediaStreamInfo[] = [];
  /** What `setMediaStreamConsent` last set: a rejoin is a new session on the server, so it is sent again. */
  #mediaStreamConsentPaused = false;
  /** JoinOptions.url: where uploads go. */
  #serverUrl = '';

  /** Creates a room and joins it; rejects (with a `RoomcastError`) if the first join fails. */
  static async join(options: JoinOptions): Promise<Room> {
    const room = new Room();
    await room.join(options);
    return room;
  }

  /** Joins; resolves once joined (publishing failures are reported as `mediaError`, not thrown). */
  async join(options: JoinOptions): Promise<void> {
    if (this.#connector) throw new RoomcastError('already_joined', 'a Room joins once: create a new Room to join again');
    this.#claims = readTokenClaims(options.token);
    this.#serverUrl = options.url;
    if (this.#claims) {
      const { sub, name, role } = this.#claims;
      this.localParticipant.setInfo({ ...this.localParticipant.info, identity: sub, name: name ?? sub, role });
    }
    this.#connector = new RoomConnector({
      url: options.url,
      token: options.token,
      publish: claimsAllowPublish(this.#claims),
      policy: { ...DEFAULT_RECONNECT_POLICY, ...options.reconnect },
      signaling: options.signaling ?? {},
      createDevice: options.createDevice,
      target: this.#notificationTarget(),
      onJoined: (joined) => this.#applyJoin(joined),
      attach: (conn) => this.#attach(conn),
      detach: () => this.#onConnectionLost(),
      setState: (state) => this.#setState(state),
      end: (reason, detail) => this.#end(reason, detail),
    });
    await this.#connector.start();
    await this.#publishInitial(options.publish ?? {});
  }

  /** Connection state; see `ConnectionState`. */
  get connectionState(): ConnectionState {
    return this.#state;
  }

  /** The room's name, from the token. */
  get name(): string {
    return this.#claims?.room ?? '';
  }

  /** Everyone else in the room. */
  get participants(): RemoteParticipant[] {
    return [...this.#subscriptions.participants.values()];
  }

  getParticipant(id: string): RemoteParticipant | undefined {
    return this.#subscriptions.participants.get(id);
  }

  /** The loudest participant (possibly the local one), or null. */
  get activeSpeaker(): Participant | null {
    const id = this.#activeSpeakerId;
    if (id === null) return null;
    if (id === this.localParticipant.id) return this.localParticipant;
    return this.getParticipant(id) ?? null;
  }

  /** RTMP broadcasts, live streams and media streams of the room. */
  get egress(): EgressState {
    return this.#egress;
  }

  /** The room's media streams to apps that have not stopped (from `egress.media_streams`); see `mediaStreamsChanged`. */
  get mediaStreams(): readonly MediaStreamInfo[] {
    return this.#mediaStreams;
  }

  /** True while this participant keeps their media out of every media stream (`setMediaStreamConsent`). */
  get mediaStreamConsentPaused(): boolean {
    return this.#mediaStreamConsentPaused;
  }

  /** Whether this participant may publish (from its token; a viewer may not). */
  get canPublish(): boolean {
    const conn = this.#connector?.current;
    return claimsAllowPublish(this.#claims) && (!conn || conn.session.sendTransport !== undefined);
  }

  /** Captures the camera and publishes it with VP8 simulcast. Returns the existing track if already published. */
  async publishCamera(options: CaptureOption = true): Promise<LocalTrack> {
    return this.#captureAndPublish('camera', () => captureCamera(options));
  }

  async publishMicrophone(options: CaptureOption = true): Promise<LocalTrack> {
    return this.#captureAndPublish('microphone', () => captureMicrophone(options));
  }

  /** Shares a screen (the browser asks which). With `audio`, also the tab/system audio when offered. */
  async publishScreen(options: { audio?: boolean } = {}): Promise<LocalTrack> {
    const existing = this.localParticipant.track('screen');
    if (existing) return existing;
    this.#assertCanPublish();
    const { video, audio } = await captureScreen(options.audio ?? false);
    const track = await this.publishTrack('screen', video);
    if (audio) await this.publishTrack('screen-audio', audio);
    return track;
  }

  /** Publishes a track you captured yourself (a canvas, a processed camera...) under `source`. */
  async publishTrack(source: LocalSource, mediaStreamTrack: MediaStreamTrack): Promise<LocalTrack> {
    try {
      this.#assertCanPublish();
      return await this.#publisher.publish(source, mediaStreamTrack);
    } catch (error) {
      mediaStreamTrack.stop();
      throw error;
    }
  }

  /** Stops publishing a source (and stops its capture). Unpublishing `screen` also ends `screen-audio`. */
  async unpublish(source: LocalSource): Promise<void> {
    await this.#publisher.unpublish(source);
    if (source === 'screen') await this.#publisher.unpublish('screen-audio');
  }

  /** Mutes or unmutes a published source, locally and on the server (pause/resume of its producer). */
  async setMuted(source: LocalSource, muted: boolean): Promise<void> {
    await this.#publisher.setMuted(source, muted);
  }

  /**
   * Asks the server for a simulcast layer of a participant's camera: 0 = quarter, 1 = half,
   * 2 = full resolution (e.g. 0 for thumbnails, 2 for the spotlight).
   */
  async setPreferredLayers(participantId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    const track = this.getParticipant(participantId)?.track('camera');
    const signal = this.#connector?.current?.signal;
    if (!track || !signal) return;
    await signal.request('setConsumerPreferredLayers', { consumerId: track.consumerId, spatialLayer, temporalLayer });
  }

  /**
   * Starts RTMP(S) broadcasts of the room's composite, or adds destinations to a running one
   * (moderators, or tokens with `start-broadcast`). Resolves with the room's egress state; each
   * destination's progress then arrives as `egressUpdated` and `roomEvent` events.
   */
  async startBroadcasts(request: StartRtmpBroadcastsBody): Promise<EgressState> {
    return (await this.#signal().request('startRtmpBroadcasts', request)).egress;
  }

  /** Stops one broadcast destination by name; the others go on (`stop-broadcast`). */
  async stopBroadcast(name: string): Promise<EgressState> {
    return (await this.#signal().request('stopRtmpBroadcast', { name })).egress;
  }

  /**
   * Changes the layout (and its options: logo, banner, pinned people…) of the room's running
   * broadcast and live stream (`start-broadcast`, moderators by default): every output shows it
   * within a second, no destination reconnects. `egress_not_found` when nothing runs.
   */
  async setLayout(layout: Layout): Promise<EgressState> {
    return (await this.#signal().request('setLayout', { layout })).egress;
  }

  /** Uploads a logo (PNG, JPEG or WebP, at most 2 MB; `start-broadcast`) for `setLayout` with `logo: {asset: id}`. */
  async uploadLogo(image: Blob): Promise<AssetInfo> {
    const { upload } = await this.#signal().request('createLogoUpload', {});
    return uploadAsset(this.#serverUrl, upload, image);
  }

  /** Stops every broadcast of the room (`stop-broadcast`). */
  async stopAllBroadcasts(): Promise<EgressState> {
    return (await this.#signal().request('stopAllRtmpBroadcasts', {})).egress;
  }

  /**
   * Starts an HLS live stream of the room's composite (moderators, or tokens with
   * `start-live-stream`). Resolves with it while `starting`; `running` and the end arrive as
   * `egressUpdated` (`egress.live_streams`) and `roomEvent` (`live_stream.started|stopped|failed`).
   */
  async startLiveStream(request: StartLiveStreamBody = {}): Promise<LiveStreamInfo> {
    return (await this.#signal().request('startLiveStream', request)).live_stream;
  }

  /** Stops the room's live stream, or the one with this id (`stop-live-stream`); resolves once stopped. */
  async stopLiveStream(id?: string): Promise<LiveStreamInfo> {
    return (await this.#signal().request('stopLiveStream', id === undefined ? {} : { id })).live_stream;
  }

  /** The apps media streams can go to (registered on the server in `MEDIA_APPS`). */
  async listMediaApps(): Promise<MediaAppInfo[]> {
    return (await this.#signal().request('listMediaApps', {})).apps;
  }

  /**
   * Streams the room's media to an app. A moderator (`start-media-stream`) starts it at once
   * (`media_stream`); a participant's request may instead wait for a moderator (`request_id`, then
   * `mediaStreamRequestAnswered`) or be refused (`forbidden`), per the server's policy.
   */
  async startMediaStream(request: RequestData<'startMediaStream'>): Promise<StartMediaStreamResult> {
    return this.#signal().request('startMediaStream', request);
  }

  /** A moderator approves or refuses a participant's request (`mediaStreamRequested`); resolves with the stream if started. */
  async answerMediaStreamRequest(requestId: string, approve: boolean): Promise<MediaStreamInfo | null> {
    return (await this.#signal().request('answerMediaStreamRequest', { request_id: requestId, approve })).media_stream;
  }

  /** Pauses one of the room's media streams: no media goes to its app until resumed (`stop-media-stream`). */
  async pauseMediaStream(id: string): Promise<MediaStreamInfo> {
    return (await this.#signal().request('controlMediaStream', { id, action: 'pause' })).media_stream;
  }

  async resumeMediaStream(id: string): Promise<MediaStreamInfo> {
    return (await this.#signal().request('controlMediaStream', { id, action: 'resume' })).media_stream;
  }

  async stopMediaStream(id: string): Promise<MediaStreamInfo> {
    return (await this.#signal().request('controlMediaStream', { id, action: 'stop' })).media_stream;
  }

  /** Keeps your own media out of every media stream of the room (`paused`), or lets it go again; apps are told. */
  async setMediaStreamConsent(paused: boolean): Promise<void> {
    await this.#signal().request('setMediaStreamConsent', { paused });
    this.#mediaStreamConsentPaused = paused;
  }

  #signal(): SignalClient {
    const signal = this.#connector?.current?.signal;
    if (!signal) throw new RoomcastError('not_connected', 'join the room first');
    return signal;
  }

  /** Leaves the room: tells the server, stops every capture and closes everything. Safe twice. */
  async leave(): Promise<void> {
    if (!this.#connector || this.#connector.ended) return;
    await this.#connector.leave();
  }

  async #captureAndPublish(source: 'camera' | 'microphone', capture: () => Promise<MediaStreamTrack>): Promise<LocalTrack> {
    const existing = this.localParticipant.track(source);
    if (existing) return existing;
    this.#assertCanPublish();
    return this.publishTrack(source, await capture());
  }

  #assertCanPublish(): void {
    if (!this.#connector || this.#connector.ended) throw new RoomcastError('not_connected', 'join the room first');
    const conn = this.#connector.current;
    if (!claimsAllowPublish(this.#claims) || (conn && !conn.session.sendTransport)) {
      throw new RoomcastError('forbidden', 'this participant may not publish (its token does not allow it)');
    }
  }

  async #publishInitial(publish: NonNullable<JoinOptions['publish']>): Promise<void> {
    if (!this.canPublish) return; // A viewer's deep link may ask for a camera: not an error.
    const wanted: Array<[LocalSource, () => Promise<LocalTrack>]> = [];
    if (publish.camera) wanted.push(['camera', () => this.publishCamera(publish.camera)]);
    if (publish.microphone) wanted.push(['microphone', () => this.publishMicrophone(publish.microphone)]);
    await Promise.all(
      wanted.map(([source, run]) =>
        run().catch((error: unknown) => {
          const reported = error instanceof RoomcastError ? error : new RoomcastError('media_unavailable', String(error), { cause: error });
          this.emit('mediaError', source, reported);
        }),
      ),
    );
  }

  #notificationTarget(): NotificationTarget {
    return {
      subscriptions: this.#subscriptions,
      publisher: this.#publisher,
      setActiveSpeaker: (id) => this.#setActiveSpeaker(id),
      setEgress: (egress) => this.#setEgress(egress),
      emitRoomEvent: (type, data) => this.emit('roomEvent', type, data),
      mediaStreamRequested: (request) => this.emit('mediaStreamRequested', request),
      mediaStreamRequestAnswered: (answer) => this.emit('mediaStreamRequestAnswered', answer),
    };
  }

  #applyJoin(joined: ResponseData<'join'>): void {
    this.localParticipant.setInfo(joined.participant);
    this.#subscriptions.sync(joined.participants);
    this.#setEgress(joined.egress);
    this.#setActiveSpeaker(joined.activeSpeaker);
  }

  #setEgress(egress: EgressState): void {
    this.#egress = egress;
    this.emit('egressUpdated', egress);
    const streams = activeMediaStreams(egress);
    if (sameMediaStreams(streams, this.#mediaStreams)) return;
    this.#mediaStreams = streams;
    this.emit('mediaStreamsChanged', streams);
  }

  async #attach(conn: Connection): Promise<void> {
    await this.#publisher.attach(conn);
    if (!this.#mediaStreamConsentPaused) return;
    // The server keys a paused session by participant id, and a rejoin gets a new one.
    await conn.signal.request('setMediaStreamConsent', { paused: true }).catch((error: unknown) => {
      console.warn('[roomcast] could not pause this session in the media streams again after reconnecting', error);
    });
  }

  /** The old connection is gone: its consumers and producers died with its transports. */
  #onConnectionLost(): void {
    this.#publisher.detach();
    this.#subscriptions.dropAllTracks();
  }

  #setActiveSpeaker(id: string | null): void {
    if (id === this.#activeSpeakerId) return;
    this.#activeSpeakerId = id;
    this.emit('activeSpeakerChanged', this.activeSpeaker);
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.emit('connectionStateChanged', state);
  }

  #end(reason: DisconnectReason, detail?: string): void {
    this.#publisher.stopAll();
    this.#subscriptions.clear();
    this.#activeSpeakerId = null;
    this.#setState('disconnected');
    this.emit('disconnected', reason, detail);
  }
}
