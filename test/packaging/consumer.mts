// Type test, compiled with `tsc --noEmit` in the consumer project against the installed tarballs:
// if a package's types did not resolve, the @ts-expect-error lines would be unused and fail.
import { Room, RoomEvent, RoomcastError, type ConnectionState, type JoinOptions, type RemoteTrack } from '@roomcast/client';
import { WebhookEventSchema, type ErrorCode, type RoomInfo, type WebhookEvent } from '@roomcast/protocol';
import {
  AccessToken,
  RoomcastApiError,
  RoomcastClient,
  WebhookReceiver,
  type ParticipantGrant,
  type Room as ApiRoom,
} from '@roomcast/server-sdk';

export const joinOptions: JoinOptions = { url: 'https://rooms.example.com', token: 'jwt' };
export const room = new Room();
room.on(RoomEvent.TrackSubscribed, (_participant, track: RemoteTrack) => track.kind);
room.on(RoomEvent.ConnectionStateChanged, (state: ConnectionState) => state);
// @ts-expect-error not a connection state
export const notAState: ConnectionState = 'flying';

export const code: ErrorCode = 'room_not_found';
// @ts-expect-error not an error code
export const notACode: ErrorCode = 'no_such_code';
export const parsed: WebhookEvent = WebhookEventSchema.parse({});
export const roomName = (info: RoomInfo): string => info.name;

export const grant: ParticipantGrant = { room: 'standup', identity: 'alice', role: 'participant' };
// @ts-expect-error not a role
export const badGrant: ParticipantGrant = { room: 'standup', identity: 'alice', role: 'owner' };
export const jwt: Promise<string> = new AccessToken({ apiKey: 'k', apiSecret: 's' }).forParticipant(grant).toJwt();
const client = new RoomcastClient({ url: 'https://rooms.example.com', apiKey: 'k', apiSecret: 's' });
export const listed: Promise<ApiRoom[]> = client.rooms.list();
// The REST response and the protocol's RoomInfo are one type, not two copies.
export const sameShape = async (): Promise<RoomInfo> => client.rooms.get('standup');
export const received: WebhookEvent = new WebhookReceiver('secret').receive('{}', 't=1,v1=00');
export const isApiError = (error: unknown): number | undefined => (error instanceof RoomcastApiError ? error.status : undefined);
export const isClientError = (error: unknown): boolean => error instanceof RoomcastError;
