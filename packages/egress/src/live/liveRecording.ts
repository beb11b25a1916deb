import { join } from 'node:path';
import type { StartLiveStreamBody } from '@roomcast/protocol';
import type { RecordingStore } from '../recordings/RecordingStore.js';
import type { LiveStream, LiveStreamOutcome } from './LiveStream.js';
import type { LiveStreamHost } from './liveStreamHost.js';

/*
 * The recording side of a live stream (`recording.hls_vod` / `recording.mp4`): where its files go,
 * its recording.json at the start, its assets and `recording.ready` at the end.
 */

export function requestedRecording(body: StartLiveStreamBody): { hls_vod: boolean; mp4: boolean } {
  return { hls_vod: body.recording?.hls_vod ?? false, mp4: body.recording?.mp4 ?? false };
}

/** A recorded live stream writes into its recording's directory, which outlives it; others into HLS_DIR. */
export function liveStreamDir(
  options: { hlsDir: string; recordings?: RecordingStore },
  id: string,
  recording: { hls_vod: boolean; mp4: boolean },
): string {
  const recorded = recording.hls_vod || recording.mp4;
  return recorded && options.recordings ? options.recordings.dirOf(id) : join(options.hlsDir, id);
}

/** Writes the recording's state before anything runs; rejects with a coded error if it cannot. */
export async function beginRecording(store: RecordingStore | undefined, stream: LiveStream): Promise<void> {
  if (!store || !stream.recorded) return;
  const { id, recording } = stream.spec;
  await store.begin({ id, room: stream.room.name, createdAt: stream.createdAt, requested: recording });
}

/** A start that failed before it ran: its recording never was. */
export async function discardRecording(store: RecordingStore | undefined, stream: LiveStream): Promise<void> {
  if (store && stream.recorded) await store.discard(stream.id);
}

/**
 * The live stream ended and its renditions have ENDLIST: make the assets, list them on the live
 * stream and send `recording.ready` (with the reason when an asset could not be made). Never rejects.
 */
export async function finishRecording(
  store: RecordingStore | undefined,
  stream: LiveStream,
  host: Pick<LiveStreamHost, 'event' | 'publish'>,
  outcome: LiveStreamOutcome,
): Promise<void> {
  if (!store || !stream.recorded) return;
  const recording = await store.finish(stream.id, outcome.status === 'failed' ? outcome.reason : null);
  if (!recording) return;
  stream.assets = recording.assets;
  // A shutdown interrupted its upload: the next start uploads it and announces it then.
  if (store.uploadPending(stream.id)) return;
  host.event(stream.room, 'recording.ready', { live_stream: stream.info(), recording });
  if (!stream.room.closed) host.publish(stream.room);
}
