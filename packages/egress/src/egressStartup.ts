import type { RecordingInfo } from '@roomcast/protocol';
import { drawtextSupport } from './ffmpeg/drawtextSupport.js';
import { ffmpegPath } from './ffmpeg/ffmpegPath.js';
import type { LiveStreamService } from './live/LiveStreamService.js';
import type { RecordingStore } from './recordings/RecordingStore.js';
import { removeStaleTempRoots } from './tempDirs.js';

export interface StartupChores {
  recordings: RecordingStore;
  liveStreams: LiveStreamService;
  /** A recording a crash left unfinished is ready (`recording.ready`, with the reason). */
  recordingRecovered: (recording: RecordingInfo) => void;
  /** Owner of each chore: a failure is reported, never unhandled. */
  own: (task: Promise<unknown>, what: string) => void;
}

/** What an egress does once as it starts, in the background, so that nothing waits for it later. */
export function startUpChores(o: StartupChores): void {
  // Probing FFmpeg for drawtext spawns it twice: do it now, not on the first broadcast's clock.
  void drawtextSupport(ffmpegPath()).catch(() => undefined);
  // What a crashed server left in the temp directory (SDP files, labels) goes now.
  o.own(removeStaleTempRoots(), 'remove temp directories of crashed servers');
  // Read now, so that earlier recordings are listed at once; those a crash left unfinished are
  // closed and remuxed once the live streams are read, except those whose live streams resume (a
  // new egress process in child mode).
  o.own(o.recordings.load(), 'read the recordings');
  o.own(o.liveStreams.recovery.then((resumed) => o.recordings.recover(o.recordingRecovered, resumed)), 'recover recordings');
}
