import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readJson } from '../recordings/recordingState.js';
import type { TimelineSnapshot } from './HlsTimeline.js';
import { parseMediaName, segmentName } from './names.js';

/** A rendition's timeline as of its last complete segment (never served: not a media name). */
export const TIMELINE_STATE_NAME = 'timeline.json';

const SnapshotSchema = z.object({
  segments: z.array(
    z.object({
      msn: z.number().int().nonnegative(),
      durationS: z.number().nonnegative(),
      programDateTime: z.string().datetime(),
      init: z.string().refine((name) => parseMediaName(name)?.kind === 'init'),
      discontinuity: z.boolean(),
    }),
  ),
  nextMsn: z.number().int().nonnegative(),
  nextPartIndex: z.number().int().nonnegative(),
  discontinuitySequence: z.number().int().nonnegative(),
  longestS: z.number().nonnegative(),
  mediaEndS: z.number().nonnegative(),
  run: z.number().int().nonnegative(),
});

export interface ResumeState {
  snapshot: TimelineSnapshot;
  /** Files of the earlier runs the resumed playlist still lists: served as before. */
  kept: string[];
}

/**
 * What an earlier run of this rendition left in `dir` (an egress process that died), made ready to
 * go on: its snapshot, with part numbering moved past every part file on disk (one written but not
 * yet listed may have been fetched through a preload hint), and those part files removed (a
 * resumed playlist lists no part of an earlier run). Undefined when there is nothing to resume.
 */
export async function loadResumeState(dir: string): Promise<ResumeState | undefined> {
  const parsed = SnapshotSchema.safeParse(await readJson(join(dir, TIMELINE_STATE_NAME)));
  if (!parsed.success) return undefined;
  const snapshot = parsed.data;
  const parts: string[] = [];
  for (const name of await readdir(dir)) {
    const media = parseMediaName(name);
    if (media?.kind !== 'part') continue;
    parts.push(name);
    snapshot.nextPartIndex = Math.max(snapshot.nextPartIndex, media.index + 1);
  }
  await Promise.all(parts.map((name) => rm(join(dir, name), { force: true })));
  const kept = new Set(snapshot.segments.flatMap((s) => [segmentName(s.msn), s.init]));
  return { snapshot, kept: [...kept] };
}


/**
 * A start for a rendition whose earlier run was on an egress node that was lost (its files with
 * it): no segment to list, and every number past what that run could have reached in `elapsedS`
 * (it wrote at most one segment per target duration and one part per part target), so nothing a
 * player or a cache holds from it is ever named again: segments, parts, the init segment (named
 * by run), the discontinuity sequence; its media time goes on from `elapsedS` (never backwards).
 */
export function continuationState(elapsedS: number, timing: { segmentTargetS: number; partTargetS: number }): ResumeState {
  const past = Math.max(0, elapsedS);
  const nextMsn = Math.ceil(past / timing.segmentTargetS) + CONTINUATION_MARGIN;
  return {
    snapshot: {
      segments: [],
      nextMsn,
      nextPartIndex: Math.ceil(past / timing.partTargetS) + CONTINUATION_MARGIN,
      // Each discontinuity of that run needed a segment of its own: never more than its segments.
      discontinuitySequence: nextMsn,
      longestS: timing.segmentTargetS,
      mediaEndS: past,
      run: nextMsn,
    },
    kept: [],
  };
}

/** Numbers skipped past the estimate (a run that started a little before its record said). */
const CONTINUATION_MARGIN = 8;
