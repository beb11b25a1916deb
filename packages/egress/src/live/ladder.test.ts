import { describe, expect, it } from 'vitest';
import { encodeRefusal } from '../composite/encodeQuality.js';
import { liveStreamLadder, topRendition } from './ladder.js';
import { liveStreamQuality } from './liveStreamRequest.js';

describe('the ABR ladder of a live stream', () => {
  it('defaults to the top and every standard rung (1080p, 720p, 360p) below it, in its orientation', () => {
    expect(liveStreamLadder('1440p')).toEqual(['1440p', '1080p', '720p', '360p']);
    expect(liveStreamLadder('1080p')).toEqual(['1080p', '720p', '360p']);
    expect(liveStreamLadder('720p')).toEqual(['720p', '360p']);
    expect(liveStreamLadder('480p')).toEqual(['480p', '360p']);
    expect(liveStreamLadder('360p')).toEqual(['360p']);
    expect(liveStreamLadder('1080p-portrait')).toEqual(['1080p-portrait', '720p-portrait', '360p-portrait']);
  });

  it('takes fewer renditions, highest first; refuses one above the top or in the other orientation (409), or twice (400)', () => {
    expect(liveStreamLadder('1080p', ['360p', '1080p'])).toEqual(['1080p', '360p']);
    expect(liveStreamLadder('720p', ['360p'])).toEqual(['360p']);
    expect(() => liveStreamLadder('480p', ['720p'])).toThrow(expect.objectContaining({ code: 'conflict', message: expect.stringContaining('above') }));
    expect(() => liveStreamLadder('720p', ['360p-portrait'])).toThrow(expect.objectContaining({ code: 'conflict', message: expect.stringContaining('portrait') }));
    expect(() => liveStreamLadder('720p-portrait', ['360p'])).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(() => liveStreamLadder('720p', ['360p', '360p'])).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });

  it('the composite quality: the running one, else the requested one, else the largest rendition, else 720p', () => {
    expect(topRendition(['360p', '1080p', '720p'])).toBe('1080p');
    expect(liveStreamQuality({ renditions: ['360p', '1080p'] }, undefined)).toBe('1080p');
    expect(liveStreamQuality({ renditions: ['360p'] }, '720p')).toBe('720p');
    expect(liveStreamQuality({}, undefined)).toBe('720p');
    expect(() => liveStreamQuality({ quality: '1080p' }, '720p')).toThrow(expect.objectContaining({ code: 'conflict' }));
  });

  it('an encode scales down in the same orientation only', () => {
    expect(encodeRefusal('720p', '720p')).toBeUndefined();
    expect(encodeRefusal('720p', '480p')).toBeUndefined();
    expect(encodeRefusal('720p', '1080p')).toMatch(/above/);
    expect(encodeRefusal('720p-portrait', '480p-portrait')).toBeUndefined();
    expect(encodeRefusal('720p-portrait', '360p')).toMatch(/landscape/);
  });
});
