import type { ms } from '@roomcast/sfu';
import type { Handler } from '../types.js';

export const join: Handler<'join'> = ({ room, participant }, { rtpCapabilities }) => {
  room.join(participant, rtpCapabilities as unknown as ms.RtpCapabilities);
  const others = room.info().participants.filter((p) => p.id !== participant.id);
  return {
    participant: participant.info(),
    participants: others,
    routerRtpCapabilities: room.router.rtpCapabilities as unknown as Record<string, unknown>,
    activeSpeaker: room.activeSpeakerId,
    egress: room.egress,
  };
};

export const leave: Handler<'leave'> = ({ room, participant }) => {
  // The reply goes out first; the socket closes when the participant's `closed` event fires.
  setImmediate(() => room.removeParticipant(participant));
  return {};
};
