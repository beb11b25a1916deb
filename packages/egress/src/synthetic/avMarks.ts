/**
 * A/V sync marks: a synthetic publisher flashes its whole picture white and beeps at the same
 * instant, every `periodS`; a program that decodes the output finds the flashes by luma and the
 * beeps by audio energy and tells how far apart they came out (the A/V offset). Both marks are
 * keyed on sample and frame counters, never on floating-point time, so they start exactly
 * together at the source: frame k·fps·period and sample k·48000·period are the same instant.
 */
export const AV_MARKS = { periodS: 2, durationS: 0.1, frequency: 1000, sampleRate: 48_000 } as const;

/** The flash: a white box over the whole frame for the first frames of each period. */
export function flashFilter(fps: number): string {
  const period = Math.round(AV_MARKS.periodS * fps);
  const frames = Math.max(1, Math.round(AV_MARKS.durationS * fps));
  return `drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(n,${period}),${frames})'`;
}

/**
 * The beep: a 1 kHz tone for the first samples of each period, silence otherwise, gated per
 * sample (a `volume` filter's `enable` is evaluated per audio frame, 1024 samples, ~21 ms).
 */
export function beepSource(): string {
  const { sampleRate, periodS, durationS, frequency } = AV_MARKS;
  const gate = `lt(mod(n\\,${periodS * sampleRate})\\,${Math.round(durationS * sampleRate)})`;
  return `aevalsrc=exprs='0.5*sin(2*PI*${frequency}*t)*${gate}':sample_rate=${sampleRate}`;
}

/** Analysis filters for a reader: per-frame mean luma, and audio RMS per millisecond, printed to files. */
export function markAnalysisFilters(lumaFile: string, rmsFile: string): { video: string; audio: string } {
  return {
    video: `signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=${lumaFile}`,
    audio: `asetnsamples=n=${AV_MARKS.sampleRate / 1000},astats=metadata=1:reset=1,ametadata=print:key=lavfi.astats.Overall.RMS_level:file=${rmsFile}`,
  };
}

export interface Sample {
  /** Seconds (pts_time). */
  t: number;
  value: number;
}

/**
 * FFmpeg's metadata filter output: a `frame:N pts:P pts_time:T` line, then `key=value` lines.
 * Returns (pts_time, value of `key`) per frame that has it; `-inf` (silence in dB) is -Infinity.
 */
export function parseMetadataLog(text: string, key: string): Sample[] {
  const out: Sample[] = [];
  let t: number | undefined;
  for (const line of text.split('\n')) {
    const frame = /^frame:\d+\s+pts:\S+\s+pts_time:(\S+)/.exec(line);
    if (frame) {
      t = Number(frame[1]);
      continue;
    }
    const eq = line.indexOf('=');
    if (t === undefined || eq < 0 || line.slice(0, eq).trim() !== key) continue;
    const raw = line.slice(eq + 1).trim();
    const value = raw === '-inf' ? -Infinity : raw === 'inf' ? Infinity : Number(raw);
    if (Number.isFinite(t) && !Number.isNaN(value)) out.push({ t, value });
  }
  return out;
}

/**
 * Times where the series rises to `threshold` or above after at least `quietS` below it: the
 * first sample of each mark. A mark already on at the first sample is not an onset.
 */
export function risingEdges(series: Sample[], threshold: number, quietS: number): number[] {
  const edges: number[] = [];
  let wasLoud: boolean | undefined;
  let lastLoudAt: number | undefined;
  for (const { t, value } of series) {
    const loud = value >= threshold;
    // A dip inside one mark (less than quietS since it was last loud) does not start another.
    if (loud && wasLoud === false && (lastLoudAt === undefined || t - lastLoudAt >= quietS)) edges.push(t);
    if (loud) lastLoudAt = t;
    wasLoud = loud;
  }
  return edges;
}

/** Flash onsets: mean luma halfway between the picture's usual level (10th percentile) and its peak. */
export function flashOnsets(luma: Sample[]): number[] {
  if (luma.length === 0) return [];
  const sorted = luma.map((s) => s.value).sort((a, b) => a - b);
  const low = sorted[Math.floor(sorted.length * 0.1)]!;
  const high = sorted.at(-1)!;
  if (high - low < 40) return []; // no flash in this capture: the picture never got much brighter
  return risingEdges(luma, (low + high) / 2, AV_MARKS.periodS / 2);
}

/** Beep onsets: RMS within 20 dB of the loudest millisecond, after silence. */
export function beepOnsets(rmsDb: Sample[]): number[] {
  const loudest = Math.max(...rmsDb.map((s) => s.value));
  if (!Number.isFinite(loudest) || loudest < -40) return []; // no beep at all
  return risingEdges(rmsDb, loudest - 20, AV_MARKS.periodS / 2);
}

/**
 * For each flash, the beep nearest to it (within `maxGapS`): audio minus video, in ms (positive:
 * the sound comes out late). Flashes without a beep near them are left out.
 */
export function pairOffsetsMs(flashes: number[], beeps: number[], maxGapS = AV_MARKS.periodS / 4): number[] {
  const offsets: number[] = [];
  for (const f of flashes) {
    let best: number | undefined;
    for (const b of beeps) if (best === undefined || Math.abs(b - f) < Math.abs(best - f)) best = b;
    // `|| 0`: a difference a float's hair below zero would round to -0.
    if (best !== undefined && Math.abs(best - f) <= maxGapS) offsets.push(Math.round((best - f) * 1000) || 0);
  }
  return offsets;
}
