/**
 * Shows a microphone's level in a `<meter>`, so people see their microphone works before joining.
 * Sampled ten times a second (not per animation frame): enough for the eye, light on a weak CPU.
 */
export class LevelMeter {
  #context: AudioContext | undefined;
  #source: MediaStreamAudioSourceNode | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly meter: HTMLMeterElement) {}

  attach(track: MediaStreamTrack | undefined): void {
    this.detach();
    if (!track) return;
    this.#context ??= new AudioContext();
    // Browsers start an AudioContext suspended until the page was clicked; the lobby resumes it then.
    const analyser = this.#context.createAnalyser();
    analyser.fftSize = 512;
    this.#source = this.#context.createMediaStreamSource(new MediaStream([track]));
    this.#source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.#timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const rms = Math.sqrt(sum / samples.length);
      this.meter.value = track.enabled ? Math.min(1, rms * 4) : 0;
    }, 100);
  }

  resume(): void {
    void this.#context?.resume();
  }

  detach(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#source?.disconnect();
    this.#source = undefined;
    this.meter.value = 0;
  }

  close(): void {
    this.detach();
    void this.#context?.close();
    this.#context = undefined;
  }
}
