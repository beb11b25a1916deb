import type { Part, Segment } from './HlsTimeline.js';
import { partName, segmentName } from './names.js';

/** What the media playlist is made from (an HlsTimeline is one). */
export interface TimelineView {
  readonly segments: readonly Segment[];
  readonly current: Segment | undefined;
  readonly mediaSequence: number;
  readonly targetDurationS: number;
  readonly nextPartIndex: number;
  readonly ended: boolean;
  /** Discontinuities that left the window. */
  readonly discontinuitySequence: number;
  /** The init segment of the run being written. */
  readonly initName: string;
}

export interface MediaPlaylistOptions {
  /** PART-TARGET as advertised: no part is longer. */
  partTargetS: number;
  /** A recording: the playlist only grows (PLAYLIST-TYPE:EVENT). */
  keepAll: boolean;
}

/**
 * Parts are listed for segments that end within this many target durations of the live edge
 * (RFC 8216bis §4.4.4.9: they SHOULD go once older than three).
 */
const PART_HORIZON_TARGETS = 3;

/**
 * The LL-HLS media playlist (RFC 8216bis): header, then each segment (its parts near the live edge,
 * then EXTINF), the parts of the segment being filled, and a preload hint for the next part; or
 * ENDLIST once the stream ended. Version 6 is what EXT-X-MAP in a media playlist needs; nothing
 * here needs more (EXT-X-SKIP, which would need 9, is not used). A resumed run (a new egress
 * process) starts with EXT-X-DISCONTINUITY and its own EXT-X-MAP (RFC 8216bis §4.4.4.3, §4.4.4.5).
 */
export function mediaPlaylist(view: TimelineView, options: MediaPlaylistOptions): string {
  const listed = view.current && !view.ended ? [...view.segments, view.current] : view.segments;
  let init = listed[0]?.init ?? view.initName;
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    `#EXT-X-TARGETDURATION:${view.targetDurationS}`,
    `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${seconds(partHoldBackS(options.partTargetS), 3)}`,
    `#EXT-X-PART-INF:PART-TARGET=${seconds(options.partTargetS, 3)}`,
    `#EXT-X-MEDIA-SEQUENCE:${view.mediaSequence}`,
    ...(view.discontinuitySequence > 0 ? [`#EXT-X-DISCONTINUITY-SEQUENCE:${view.discontinuitySequence}`] : []),
    ...(options.keepAll ? ['#EXT-X-PLAYLIST-TYPE:EVENT'] : []),
    `#EXT-X-MAP:URI="${init}"`,
  ];
  const withParts = view.ended ? new Set<number>() : segmentsWithParts(view);
  for (const segment of listed) {
    if (segment.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (segment.init !== init) lines.push(`#EXT-X-MAP:URI="${(init = segment.init)}"`);
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${segment.programDateTime.toISOString()}`);
    if (segment === view.current) {
      lines.push(...segment.parts.map(partLine));
      continue;
    }
    if (withParts.has(segment.msn)) lines.push(...segment.parts.map(partLine));
    lines.push(`#EXTINF:${seconds(segment.durationS, 5)},`, segmentName(segment.msn));
  }
  lines.push(view.ended ? '#EXT-X-ENDLIST' : `#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${partName(view.nextPartIndex)}"`);
  return `${lines.join('\n')}\n`;
}

/** Three part targets (the spec's SHOULD), rounded up to the millisecond. */
export function partHoldBackS(partTargetS: number): number {
  return Math.ceil(3 * partTargetS * 1000 - 1e-6) / 1000;
}

function segmentsWithParts(view: TimelineView): Set<number> {
  const horizon = PART_HORIZON_TARGETS * view.targetDurationS;
  const msns = new Set<number>();
  let fromEnd = view.current?.durationS ?? 0;
  for (let i = view.segments.length - 1; i >= 0 && fromEnd < horizon; i--) {
    const segment = view.segments[i]!;
    msns.add(segment.msn);
    fromEnd += segment.durationS;
  }
  return msns;
}

function partLine(part: Part): string {
  return `#EXT-X-PART:DURATION=${seconds(part.durationS, 5)},URI="${partName(part.index)}"${part.independent ? ',INDEPENDENT=YES' : ''}`;
}

function seconds(value: number, decimals: number): string {
  return value.toFixed(decimals);
}
