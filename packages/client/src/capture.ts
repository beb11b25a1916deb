import { RoomcastError } from './errors.js';

/** Default camera capture: 720p is the top simulcast layer (quarter and half are derived from it). */
export const DEFAULT_CAMERA_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30 },
};

export const DEFAULT_MICROPHONE_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/** `true` means "the defaults"; an object replaces them. */
export type CaptureOption = boolean | MediaTrackConstraints;

function constraintsFor(option: CaptureOption | undefined, defaults: MediaTrackConstraints): MediaTrackConstraints {
  return typeof option === 'object' ? option : defaults;
}

export async function captureCamera(option?: CaptureOption): Promise<MediaStreamTrack> {
  const video = constraintsFor(option, DEFAULT_CAMERA_CONSTRAINTS);
  const stream = await capture(() => navigator.mediaDevices.getUserMedia({ video, audio: false }), 'camera');
  return firstTrack(stream.getVideoTracks(), 'camera');
}

export async function captureMicrophone(option?: CaptureOption): Promise<MediaStreamTrack> {
  const audio = constraintsFor(option, DEFAULT_MICROPHONE_CONSTRAINTS);
  const stream = await capture(() => navigator.mediaDevices.getUserMedia({ audio, video: false }), 'microphone');
  return firstTrack(stream.getAudioTracks(), 'microphone');
}

/** A screen, window or tab; with its audio when the browser offers it and `withAudio` is set. */
export async function captureScreen(withAudio: boolean): Promise<{ video: MediaStreamTrack; audio?: MediaStreamTrack }> {
  const stream = await capture(
    () => navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: withAudio }),
    'screen',
  );
  return { video: firstTrack(stream.getVideoTracks(), 'screen'), audio: stream.getAudioTracks()[0] };
}

async function capture(get: () => Promise<MediaStream>, what: string): Promise<MediaStream> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices) {
    throw new RoomcastError('media_unavailable', `cannot capture the ${what}: no mediaDevices (an insecure origin?)`);
  }
  try {
    return await get();
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    throw new RoomcastError('media_unavailable', `cannot capture the ${what}: ${name}`, { cause: error });
  }
}

function firstTrack(tracks: MediaStreamTrack[], what: string): MediaStreamTrack {
  const [track] = tracks;
  if (!track) throw new RoomcastError('media_unavailable', `the ${what} capture returned no track`);
  return track;
}
