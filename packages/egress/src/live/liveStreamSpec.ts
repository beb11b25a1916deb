import { AppError, type LiveStreamActor } from '@roomcast/protocol';
import type { RoomView } from '@roomcast/sfu';
import type { RecordingStore } from '../recordings/RecordingStore.js';
import type { LiveStreamSpec } from './LiveStream.js';
import { liveStreamDir } from './liveRecording.js';

/** What a live stream's spec takes from the service's options. */
export interface SpecOptions {
  hlsDir: string;
  recordings?: RecordingStore;
  publicUrl?: string;
  signUrl?: (url: string) => string;
}

/** A live stream's spec: where its files go and the URL it plays at, from its id (new, or resumed). */
export function liveStreamSpec(
  options: SpecOptions,
  stream: { id: string; name: string; room: RoomView; recording: { hls_vod: boolean; mp4: boolean }; startedBy: LiveStreamActor },
): LiveStreamSpec {
  return {
    ...stream,
    dir: liveStreamDir(options, stream.id, stream.recording),
    playbackUrl: `${options.publicUrl ?? ''}/hls/${stream.id}/master.m3u8`,
    signUrl: options.signUrl ?? ((url) => url),
  };
}

/** The open room of that name, or undefined (gone, or closing). */
export function openRoom(rooms: { room(name: string): RoomView }, name: string): RoomView | undefined {
  try {
    const room = rooms.room(name);
    return room.closed ? undefined : room;
  } catch {
    return undefined;
  }
}

/** Why a live stream could not go on in a new egress process (a fixed phrase, or the coded error's message). */
export function resumeFailure(error: unknown): string {
  return error instanceof AppError ? error.message : 'the live stream could not resume after the egress restarted';
}
