/** How the remux cuts parts, and the PART-TARGET that follows from it. */
export interface HlsPartTiming {
  /** Video frames in one part: the part target rounded to whole frames. */
  framesPerPart: number;
  /** FFmpeg's `-frag_duration`, in microseconds. */
  fragmentDurationUs: number;
  /** PART-TARGET to advertise: no part the remux cuts is longer. */
  partTargetS: number;
}

/**
 * A part is a whole number of frames, cut by FFmpeg's `-frag_duration`: movenc starts a new
 * fragment at the first packet (of any track) that is at least that far past the fragment's first
 * packet of its track. Set just under n frames (a tenth of a frame: FLV timestamps are rounded to
 * the millisecond, so n frames may span 1 ms less than n/fps), a fragment holds exactly n frames
 * whichever track triggers the cut (audio frames are shorter than the margin above n-1 frames).
 * Measured with FFmpeg 5.1 at 30 fps: 10 frames (0.333/0.334 s) in every part, where
 * 333333 us gave 10 or 11. The advertised target adds that tenth of a frame, rounded up to the ms.
 */
export function hlsPartTiming(partTargetS: number, frameRate: number): HlsPartTiming {
  if (!(partTargetS > 0 && frameRate > 0)) throw new Error('part target and frame rate must be positive');
  const framesPerPart = Math.max(1, Math.round(partTargetS * frameRate));
  const fragmentDurationUs = Math.floor(((framesPerPart - 0.1) / frameRate) * 1e6);
  const partTarget = Math.ceil(((framesPerPart + 0.1) / frameRate) * 1000) / 1000;
  return { framesPerPart, fragmentDurationUs, partTargetS: partTarget };
}

/**
 * The HLS remux: the encoder's FLV on stdin, fragmented MP4 on stdout (init segment first, then one
 * moof+mdat per part), copied without re-encoding. The packager in Node cuts it into files.
 */
export function hlsRemuxArgs(timing: HlsPartTiming, timestampOffsetS = 0): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'warning',
    // As the RTMP relay: short probing (the FLV's sequence headers come first), no frame-rate probe.
    '-analyzeduration', '100000', '-probesize', '32768', '-fpsprobesize', '0',
    '-protocol_whitelist', 'pipe', '-f', 'flv', '-i', 'pipe:0',
    '-map', '0', '-c', 'copy',
    // Keep each track's own start (video often starts a few ms after audio): with an edit list
    // (impossible in an empty moov) or negative-ts shifting, FFmpeg would stretch the first video
    // sample instead, and the tfdt players read would move video against audio.
    '-use_editlist', '0', '-avoid_negative_ts', 'disabled',
    // A resumed rendition: its timestamps start after the earlier run's (a recording's only grow).
    ...(timestampOffsetS > 0 ? ['-output_ts_offset', timestampOffsetS.toFixed(3)] : []),
    '-f', 'mp4',
    // empty_moov: the init segment (ftyp+moov) comes first, alone. frag_keyframe: every keyframe
    // starts a fragment (so segments start at one). default_base_moof + cmaf: self-contained
    // fragments a player can fetch alone. frag_discont: the first tfdt is the track's real start.
    // skip_trailer: no mfra index at the end (nobody reads the stream as one file).
    '-movflags', '+empty_moov+frag_keyframe+default_base_moof+cmaf+frag_discont+skip_trailer',
    '-frag_duration', String(timing.fragmentDurationUs),
    // Each fragment leaves FFmpeg as soon as it is cut, not when an I/O buffer fills.
    '-flush_packets', '1',
    'pipe:1',
  ];
}
