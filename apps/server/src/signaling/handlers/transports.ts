import { AppError } from '@roomcast/protocol';
import { type ms, withClientInput } from '@roomcast/sfu';
import type { Handler } from '../types.js';

type Json = Record<string, unknown>;
const json = (value: unknown): Json => value as Json;

export const getRouterRtpCapabilities: Handler<'getRouterRtpCapabilities'> = ({ room }) => ({
  rtpCapabilities: json(room.router.rtpCapabilities),
});

export const createTransport: Handler<'createTransport'> = async ({ room, participant }, { direction }) => {
  const transport = await room.createTransport(participant, direction);
  return {
    id: transport.id,
    iceParameters: json(transport.iceParameters),
    iceCandidates: transport.iceCandidates.map(json),
    dtlsParameters: json(transport.dtlsParameters),
  };
};

/** Transports whose connect is under way or done: a second connect is the client's mistake (409). */
const connected = new WeakSet<ms.Transport>();

export const connectTransport: Handler<'connectTransport'> = async ({ participant }, { transportId, dtlsParameters }) => {
  const transport = participant.transport(transportId);
  if (connected.has(transport)) throw new AppError('conflict', 'transport already connected');
  connected.add(transport);
  await withClientInput('dtlsParameters', () => transport.connect({ dtlsParameters: dtlsParameters as unknown as ms.DtlsParameters }));
  return {};
};

export const restartIce: Handler<'restartIce'> = async ({ participant }, { transportId }) => {
  const transport = participant.transport(transportId) as ms.WebRtcTransport;
  return { iceParameters: json(await withClientInput('restartIce', () => transport.restartIce())) };
};
