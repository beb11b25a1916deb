import { describe, expect, it } from 'vitest';
import { mediaState } from './participantMedia.js';

describe('participant media state', () => {
  it('reads a remote participant from its tracks first, then its producers', () => {
    const producers = [
      { source: 'microphone' as const, paused: true },
      { source: 'camera' as const, paused: false },
    ];
    expect(mediaState({ isLocal: false, producers, tracks: [] })).toEqual({ micMuted: true, cameraOff: false });
    const tracks = [{ source: 'microphone' as const, muted: false }];
    expect(mediaState({ isLocal: false, producers, tracks })).toEqual({ micMuted: false, cameraOff: false });
  });

  it('counts what is not published as off', () => {
    expect(mediaState({ isLocal: false, producers: [], tracks: [] })).toEqual({ micMuted: true, cameraOff: true });
    expect(mediaState({ isLocal: true, producers: [], tracks: [{ source: 'camera', muted: false }] })).toEqual({ micMuted: true, cameraOff: false });
  });
});
