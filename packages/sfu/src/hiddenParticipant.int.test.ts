import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types as ms } from 'mediasoup';
import { loadMediasoup } from './mediasoupLoader.js';
import type { Notifier } from './Participant.js';
import { Sfu } from './Sfu.js';

function notifications(): { notify: Notifier; methods: string[] } {
  const methods: string[] = [];
  return { methods, notify: (method) => void methods.push(method) };
}

describe('a hidden participant (the web layout recorder), real mediasoup worker', () => {
  let sfu: Sfu;
  let caps: ms.RtpCapabilities;

  beforeAll(async () => {
    sfu = await Sfu.create({
      workers: { size: 1, rtcMinPort: 45200, rtcMaxPort: 45299 },
      webRtc: { listenIps: [{ ip: '127.0.0.1' }], initialAvailableOutgoingBitrate: 1_000_000, mediaTimeoutMs: 5000 },
      maxRooms: 2,
    });
    caps = (await loadMediasoup()).getSupportedRtpCapabilities();
  });
  afterAll(() => sfu.close());

  it('joins and leaves unlisted and unannounced, and may only subscribe', async () => {
    const room = await sfu.createRoom('hidden');
    const alice = notifications();
    const member = room.addParticipant({ identity: 'alice', name: 'Alice', role: 'participant', notify: alice.notify });
    room.join(member, caps);
    const events: string[] = [];
    room.on('participantJoined', (p) => events.push(`joined ${p.identity}`));
    room.on('participantLeft', (p) => events.push(`left ${p.identity}`));

    const recorder = room.addParticipant({ identity: 'rec', name: 'Recorder', role: 'participant', hidden: true, notify: () => {} });
    room.join(recorder, caps);
    expect(recorder.joined).toBe(true);
    expect(room.info().participants.map((p) => p.identity)).toEqual(['alice']);
    expect(recorder.can('subscribe')).toBe(true);
    expect(recorder.can('publish')).toBe(false);
    await expect(room.createTransport(recorder, 'send')).rejects.toMatchObject({ code: 'forbidden' });

    room.removeParticipant(recorder);
    expect(events).toEqual([]);
    expect(alice.methods.filter((m) => m === 'participantJoined' || m === 'participantLeft')).toEqual([]);
    room.close('deleted');
  });
});
