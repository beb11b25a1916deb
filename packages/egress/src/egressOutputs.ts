import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EgressServiceOptions } from './egressOptions.js';
import { hlsOutput } from './live/hlsOutput.js';
import type { LiveStreamHost } from './live/liveStreamHost.js';
import { LiveStreamService } from './live/LiveStreamService.js';
import { createMediaStreamService } from './media/defaultSources.js';
import { mediaStreamRecords } from './media/mediaStreamRecords.js';
import type { MediaStreamService } from './media/MediaStreamService.js';
import type { RecordingStore } from './recordings/RecordingStore.js';
import { recordingStoreFor } from './recordings/recordingStoreFor.js';
import type { PortAllocator } from './rtp/PortAllocator.js';

/** What the egress service's outputs beside RTMP need of it: the live streams' host, and where background failures go. */
export interface OutputsHost extends LiveStreamHost {
  backgroundError(error: unknown, what: string): void;
}

/** The outputs of an egress service beside its RTMP destinations, over one data directory (HLS_DIR). */
export interface EgressOutputs {
  /** Recordings of live streams under RECORDINGS_DIR, those of earlier runs included. */
  recordings: RecordingStore;
  /** HLS live streams: outputs of the rooms' composites, started and stopped on their own. */
  liveStreams: LiveStreamService;
  /** Realtime media streams to apps: readers of the rooms' tracks, apart from the composite. */
  mediaStreams: MediaStreamService;
}

export function createEgressOutputs(options: EgressServiceOptions, ports: PortAllocator, host: OutputsHost): EgressOutputs {
  const hlsDir = options.hlsDir ?? join(tmpdir(), 'roomcast-hls');
  const recordings = recordingStoreFor(options, hlsDir, (error, what) => host.backgroundError(error, what));
  const liveStreams = new LiveStreamService({
    hls: options.hls ?? hlsOutput,
    hlsDir,
    recordings,
    publicUrl: options.publicUrl,
    signUrl: options.signUrl,
    log: options.relay.log,
    host,
  });
  const records = mediaStreamRecords(hlsDir, (error, what) => host.backgroundError(error, what));
  const mediaStreams = createMediaStreamService({ records, ...options.mediaStreams }, ports, host);
  return { recordings, liveStreams, mediaStreams };
}
