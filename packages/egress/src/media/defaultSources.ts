import type { MediaStreamServiceOptions } from './MediaStreamService.js';
import { AudioHub } from './sources/AudioHub.js';
import { VideoFeed } from './sources/VideoFeed.js';

/** The real sources of media streams: one AudioHub per room, a VideoFeed per stream with video. */
export function defaultMediaSources(): Pick<MediaStreamServiceOptions, 'audioSource' | 'startVideoFeed'> {
  return {
    audioSource: (room, ports, onError) => new AudioHub({ room, ports, onError }),
    startVideoFeed: (options) => VideoFeed.start(options),
  };
}
