import { describe, expect, it } from 'vitest';
import { packetIndex, ReceivedSet, VP8_300KBPS, vp8RtpPacket } from './rtpLoad.js';

describe('synthetic VP8 RTP', () => {
  const spec = VP8_300KBPS;

  it('marks a frame\'s last packet, starts a partition on its first, and keys every keyframeEveryFrames frames', () => {
    const first = vp8RtpPacket(spec, 0);
    const second = vp8RtpPacket(spec, 1);
    expect(first.length).toBe(12 + spec.payloadBytes);
    expect([first[1]! & 0x80, second[1]! & 0x80]).toEqual([0, 0x80]);
    // X and S on a frame's first packet, X alone after; the picture id counts frames.
    expect([first[12], second[12]]).toEqual([0x90, 0x80]);
    expect(first[16]! & 0x01).toBe(0); // keyframe
    expect([...first.subarray(19, 22)]).toEqual([0x9d, 0x01, 0x2a]);
    const delta = vp8RtpPacket(spec, spec.packetsPerFrame);
    expect(delta[16]! & 0x01).toBe(1);
    expect(delta.readUInt16BE(14) - first.readUInt16BE(14)).toBe(1);
    expect(vp8RtpPacket(spec, spec.packetsPerFrame * spec.keyframeEveryFrames)[16]! & 0x01).toBe(0);
    // One frame's packets share a timestamp; the next frame is 90000/fps later.
    expect(second.readUInt32BE(4)).toBe(first.readUInt32BE(4));
    expect(delta.readUInt32BE(4) - first.readUInt32BE(4)).toBe(90000 / spec.fps);
  });

  it('carries its index at the end, past RTP padding, and reads none from RTCP', () => {
    expect(packetIndex(vp8RtpPacket(spec, 70_001))).toBe(70_001);
    const padded = Buffer.concat([vp8RtpPacket(spec, 5), Buffer.from([0, 0, 3])]);
    padded[0]! |= 0x20;
    expect(packetIndex(padded)).toBe(5);
    const rtcp = vp8RtpPacket(spec, 9);
    rtcp[1] = 200; // sender report
    expect(packetIndex(rtcp)).toBeUndefined();
  });

  it('is about 300 kbps', () => {
    const bps = (12 + spec.payloadBytes) * 8 * spec.packetsPerFrame * spec.fps;
    expect(bps).toBeGreaterThan(290_000);
    expect(bps).toBeLessThan(320_000);
  });

  it('counts each index once within a range, growing as needed', () => {
    const set = new ReceivedSet();
    for (const i of [0, 3, 3, 10, 20_000]) set.add(i);
    expect(set.countBetween(0, 11)).toBe(3);
    expect(set.countBetween(4, 20_000)).toBe(1);
    expect(set.countBetween(0, 20_001)).toBe(4);
    expect(set.countBetween(30_000, 40_000)).toBe(0);
  });
});
