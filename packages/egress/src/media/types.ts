import type { MediaStreamAudioOptions, MediaStreamVideoOptions } from '@roomcast/protocol';

/*
 * The parts of a realtime media stream (issue 11) and what flows between them:
 *
 *   AudioHub (per room: one tap + decoder per microphone and format, shared by every stream)
 *     → AudioFrame (20 ms, per participant)  ─┐
 *   MixedAudio (the room's mix, from the hub) ├→ MediaStream → MediaConnection (an app's socket)
 *   VideoFeed (per stream: H.264 or JPEG)     │
 *   Recognizer sessions (per participant)  ───┘
 */

/** One 20 ms frame of one participant's audio (or of the mix: participantId null). */
export interface AudioFrame {
  participantId: string | null;
  /** pcm_s16le mono at the asked rate (640 bytes at 16 kHz, 1920 at 48 kHz), or one Opus packet. */
  data: Buffer;
  /** Wall-clock ms (Date.now()) when the frame left the decoder. */
  timestamp: number;
  /** Someone speaks in this frame (energy above the threshold, with a hangover of a few hundred ms). */
  speech: boolean;
}

/** An audio output format: what an app asked for. */
export type AudioFormat = Pick<MediaStreamAudioOptions, 'codec' | 'sample_rate'>;

/** One video access unit (H.264 Annex B, all NAL units of one picture) or one JPEG picture. */
export interface VideoFrame {
  participantId: string;
  data: Buffer;
  /** H.264: the access unit holds an IDR with SPS/PPS before it; JPEG: always true. */
  keyFrame: boolean;
  timestamp: number;
}

export type VideoFormat = Required<Pick<MediaStreamVideoOptions, 'codec' | 'fps' | 'width'>>;

export interface TranscriptSegment {
  participantId: string;
  text: string;
  /** ms since the stream's first audio of this participant reached the recognizer */
  start: number;
  end: number;
  final: boolean;
}

/** Anything that can be stopped: every feed and session owns processes and ports. */
export interface Closable {
  close(): Promise<void>;
}
