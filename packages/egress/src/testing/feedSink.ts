import { SAMPLE_RATE } from '../composite/AudioMixer.js';
import type { CompositeSink } from '../composite/Compositor.js';
import type { QualityPreset } from '../composite/presets.js';

/** Grey frames and silence in real time, as the compositor feeds its sink, until the returned stop is called. */
export function feedSink(sink: CompositeSink, preset: QualityPreset): () => void {
  const frame = Buffer.alloc(preset.width * preset.height * 1.5, 128);
  const startedAt = performance.now();
  let frames = 0;
  let samples = 0;
  const timer = setInterval(() => {
    const elapsedS = (performance.now() - startedAt) / 1000;
    for (; frames < Math.floor(elapsedS * preset.fps); frames++) sink.writeVideo(frame, () => undefined);
    const due = Math.floor(elapsedS * SAMPLE_RATE) - samples;
    if (due > 0) sink.writeAudio(Buffer.alloc(due * 2));
    samples += Math.max(0, due);
  }, 10);
  return () => clearInterval(timer);
}
