import type { z } from 'zod';
import type {
  CreateRoomBodySchema,
  CreateTokenBodySchema,
  EgressResponseSchema,
  LayoutSchema,
  LiveStreamInfoSchema,
  LiveStreamListResponseSchema,
  MediaStreamInfoSchema,
  MediaStreamListResponseSchema,
  RecordingInfoSchema,
  RecordingListResponseSchema,
  RoomListResponseSchema,
  RoomResponseSchema,
  RoomSettingsSchema,
  StartLiveStreamBodySchema,
  StartMediaStreamBodySchema,
  StartRtmpBroadcastsBodySchema,
  TokenResponseSchema,
} from '@roomcast/protocol';
import { AccessToken, type ApiCredentials } from './AccessToken.js';
import { HttpTransport } from './HttpTransport.js';

/*
 * Request types are the schemas' inputs (defaults may be left out), responses their outputs:
 * both come from @roomcast/protocol, the schemas the server validates with.
 */
export type CreateRoomRequest = z.input<typeof CreateRoomBodySchema>;
export type RoomSettingsInput = z.input<typeof RoomSettingsSchema>;
export type CreateTokenRequest = z.input<typeof CreateTokenBodySchema>;
export type StartRtmpBroadcastsRequest = z.input<typeof StartRtmpBroadcastsBodySchema>;
export type LayoutInput = z.input<typeof LayoutSchema>;
export type StartLiveStreamRequest = z.input<typeof StartLiveStreamBodySchema>;
export type StartMediaStreamRequest = z.input<typeof StartMediaStreamBodySchema>;

export type Room = z.output<typeof RoomResponseSchema>['room'];
export type TokenResponse = z.output<typeof TokenResponseSchema>;
export type EgressState = z.output<typeof EgressResponseSchema>['egress'];
export type LiveStream = z.output<typeof LiveStreamInfoSchema>;
export type MediaStream = z.output<typeof MediaStreamInfoSchema>;
export type Recording = z.output<typeof RecordingInfoSchema>;

type RoomList = z.output<typeof RoomListResponseSchema>;
type LiveStreamList = z.output<typeof LiveStreamListResponseSchema>;
type MediaStreamList = z.output<typeof MediaStreamListResponseSchema>;
type RecordingList = z.output<typeof RecordingListResponseSchema>;

export interface RoomcastClientOptions extends ApiCredentials {
  /** The server's base URL, e.g. `https://rooms.example.com`. */
  url: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

/** Path segments are encoded: a name never changes which route a call reaches. */
const seg = (value: string): string => encodeURIComponent(value);

/**
 * The REST management API, typed from @roomcast/protocol. Every call signs a short-lived admin
 * token (cached until a minute before it expires) and throws `RoomcastApiError` on failure.
 */
export class RoomcastClient {
  readonly rooms;
  readonly rtmpBroadcasts;
  readonly egress;
  readonly liveStreams;
  readonly mediaStreams;
  readonly recordings;

  constructor(options: RoomcastClientOptions) {
    const http = new HttpTransport({
      url: options.url,
      tokens: new AccessToken(options),
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
    });
    const call = <T>(method: string, path: string, body?: unknown): Promise<T> => http.request<T>(method, path, body);
    const unwrapEgress = async (response: Promise<{ egress: EgressState }>): Promise<EgressState> => (await response).egress;

    this.rooms = {
      /** `POST /v1/rooms` → the new room (its name is its id; generated when left out). */
      create: async (request: CreateRoomRequest = {}): Promise<Room> =>
        (await call<{ room: Room }>('POST', '/v1/rooms', request)).room,
      list: async (): Promise<Room[]> => (await call<RoomList>('GET', '/v1/rooms')).rooms,
      /** With its participants and egress. */
      get: async (room: string): Promise<Room> => (await call<{ room: Room }>('GET', `/v1/rooms/${seg(room)}`)).room,
      /** `PATCH /v1/rooms/:room`: settings deep-merged over the room's own. */
      update: async (room: string, settings: RoomSettingsInput): Promise<Room> =>
        (await call<{ room: Room }>('PATCH', `/v1/rooms/${seg(room)}`, { settings })).room,
      /** Closes the room and everything it feeds. */
      delete: (room: string): Promise<void> => call<void>('DELETE', `/v1/rooms/${seg(room)}`),
      /** Let the server mint a participant token (or mint it locally with `AccessToken`). */
      createToken: (room: string, request: CreateTokenRequest): Promise<TokenResponse> =>
        call<TokenResponse>('POST', `/v1/rooms/${seg(room)}/tokens`, request),
    };

    this.rtmpBroadcasts = {
      /** Starts named destinations; on a running composite, adds them. Stream keys are never returned. */
      start: (room: string, request: StartRtmpBroadcastsRequest): Promise<EgressState> =>
        unwrapEgress(call('POST', `/v1/rooms/${seg(room)}/rtmp_broadcasts`, request)),
      /** Stops one destination by name; the others go on. */
      stop: (room: string, name: string): Promise<EgressState> =>
        unwrapEgress(call('POST', `/v1/rooms/${seg(room)}/rtmp_broadcasts/${seg(name)}/stop`)),
      stopAll: (room: string): Promise<EgressState> => unwrapEgress(call('POST', `/v1/rooms/${seg(room)}/rtmp_broadcasts/stop`)),
    };

    this.egress = {
      /** Changes the layout of every output of the room's running composite (404 if none runs). */
      setLayout: (room: string, layout: LayoutInput): Promise<EgressState> =>
        unwrapEgress(call('PUT', `/v1/rooms/${seg(room)}/egress/layout`, { layout })),
    };

    this.liveStreams = {
      /** HLS live stream of the room's composite; `status` starts at `starting`. */
      start: (room: string, request: StartLiveStreamRequest = {}): Promise<LiveStream> =>
        call<LiveStream>('POST', `/v1/rooms/${seg(room)}/live_streams`, request),
      get: (id: string): Promise<LiveStream> => call<LiveStream>('GET', `/v1/live_streams/${seg(id)}`),
      /** The room's live streams, ended ones included, oldest first. */
      list: async (room: string): Promise<LiveStream[]> =>
        (await call<LiveStreamList>('GET', `/v1/rooms/${seg(room)}/live_streams`)).live_streams,
      /** Answers once it has stopped. */
      stop: (id: string): Promise<LiveStream> => call<LiveStream>('POST', `/v1/live_streams/${seg(id)}/stop`),
    };

    const control = (action: 'pause' | 'resume' | 'stop') => (id: string): Promise<MediaStream> =>
      call<MediaStream>('POST', `/v1/media_streams/${seg(id)}/${action}`);
    this.mediaStreams = {
      /** Realtime media to an app registered in the server's MEDIA_APPS. */
      start: (room: string, request: StartMediaStreamRequest): Promise<MediaStream> =>
        call<MediaStream>('POST', `/v1/rooms/${seg(room)}/media_streams`, request),
      get: (id: string): Promise<MediaStream> => call<MediaStream>('GET', `/v1/media_streams/${seg(id)}`),
      list: async (room: string): Promise<MediaStream[]> =>
        (await call<MediaStreamList>('GET', `/v1/rooms/${seg(room)}/media_streams`)).media_streams,
      pause: control('pause'),
      resume: control('resume'),
      stop: control('stop'),
    };

    this.recordings = {
      list: async (): Promise<Recording[]> => (await call<RecordingList>('GET', '/v1/recordings')).recordings,
      get: (id: string): Promise<Recording> => call<Recording>('GET', `/v1/recordings/${seg(id)}`),
      /** Deletes its files too (409 while its live stream still records). */
      delete: (id: string): Promise<void> => call<void>('DELETE', `/v1/recordings/${seg(id)}`),
    };
  }
}
