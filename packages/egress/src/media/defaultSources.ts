import type { PortAllocator } from '../rtp/PortAllocator.js';
import { type MediaStreamHost, MediaStreamService, type MediaStreamServiceOptions } from './MediaStreamService.js';
import { AudioHub } from './sources/AudioHub.js';
import { VideoFeed } from './sources/VideoFeed.js';

/** The real sources of media streams: one AudioHub per room, a VideoFeed per stream with video. */
export function defaultMediaSources(): Pick<MediaStreamServiceOptions, 'audioSource' | 'startVideoFeed'> {
  return {
    audioSource: (room, ports, onError) => new AudioHub({ room, ports, onError }),
    startVideoFeed: (options) => VideoFeed.start(options),
  };
}

/** The egress's media streams: the real sources unless the options bring others (tests). */
export function createMediaStreamService(
  options: Partial<Omit<MediaStreamServiceOptions, 'host' | 'ports'>> | undefined,
  ports: PortAllocator,
  host: MediaStreamHost,
): MediaStreamService {
  return new MediaStreamService({ ...defaultMediaSources(), ...options, signalingUrl: options?.signalingUrl ?? (() => ''), ports, host });
}
