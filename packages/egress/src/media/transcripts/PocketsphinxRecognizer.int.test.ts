import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../ffmpeg/ffmpegPath.js';
import { ffmpegChildren } from '../../testing/childProcesses.js';
import { PocketsphinxRecognizer } from './PocketsphinxRecognizer.js';
import type { RecognizedSegment, RecognizerSession } from './Recognizer.js';
import { DEFAULT_POCKETSPHINX_MODEL_DIR } from './transcriptsConfig.js';
import { chunks20ms, silence } from '../../testing/pcm16k.js';

const run = promisify(execFile);
let dir: string;
/** "testing testing one two three", spoken by espeak-ng, as 16 kHz mono s16le. */
let speech: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'roomcast-asr-'));
  const wav = path.join(dir, 'speech.wav');
  await run('espeak-ng', ['-s', '130', '-w', wav, 'testing testing one two three']);
  const raw = path.join(dir, 'speech.raw');
  await run(ffmpegPath(), ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', wav, '-f', 's16le', '-ar', '16000', '-ac', '1', raw]);
  speech = await readFile(raw);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  expect(ffmpegChildren()).toEqual([]);
});

/** Writes 20 ms chunks at 4× real time (one tick of 20 ms carries 80 ms), as a live source would, only faster. */
async function writeLive(session: RecognizerSession, pcm: Buffer): Promise<void> {
  const chunks = chunks20ms(pcm);
  for (let i = 0; i < chunks.length; i += 4) {
    for (const chunk of chunks.slice(i, i + 4)) session.write(chunk);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function recorder() {
  const segments: RecognizedSegment[] = [];
  const errors: Error[] = [];
  return { segments, errors, onSegment: (s: RecognizedSegment) => segments.push(s), onError: (e: Error) => errors.push(e) };
}

describe('PocketsphinxRecognizer', () => {
  it('is available here (Debian FFmpeg has asr, setup installs pocketsphinx-en-us), not without a model', async () => {
    expect(await new PocketsphinxRecognizer().available()).toBe(true);
    expect(await new PocketsphinxRecognizer({ modelDir: path.join(dir, 'nothing') }).available()).toBe(false);
    expect(await new PocketsphinxRecognizer({ ffmpegBinary: '/nonexistent/ffmpeg' }).available()).toBe(false);
  });

  it('transcribes live speech into final segments timed from the session start, in order', async () => {
    const got = recorder();
    const session = new PocketsphinxRecognizer().open(got);
    const lead = 1000;
    const speechMs = speech.length / 32;
    await writeLive(session, silence(lead));
    await writeLive(session, speech);
    await writeLive(session, silence(1500));
    await until(() => got.segments.length >= 1);
    await writeLive(session, speech);
    await writeLive(session, silence(1500));
    await until(() => got.segments.length >= 2);
    await session.close();

    expect(got.errors).toEqual([]);
    expect(got.segments).toHaveLength(2);
    const [first, second] = got.segments as [RecognizedSegment, RecognizedSegment];
    for (const segment of got.segments) {
      expect(segment.final).toBe(true);
      expect(segment.text).toMatch(/\btesting\b/);
      expect(segment.text).toMatch(/\bthree\b/);
    }
    // The first speech starts after the lead-in silence; its end is after the words, in the silence.
    expect(first.start).toBeGreaterThanOrEqual(lead - 100);
    expect(first.start).toBeLessThan(lead + 500);
    expect(first.end).toBeGreaterThan(lead + speechMs - 600);
    expect(first.end).toBeLessThanOrEqual(lead + speechMs + 1500);
    const secondStarts = lead + speechMs + 1500;
    expect(second.start).toBeGreaterThanOrEqual(first.end);
    expect(second.start).toBeGreaterThan(secondStarts - 100);
    expect(second.end).toBeGreaterThan(secondStarts + speechMs - 600);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('close() ends the utterance in progress and delivers it before resolving; no callback after', async () => {
    const got = recorder();
    const session = new PocketsphinxRecognizer().open(got);
    await writeLive(session, Buffer.concat([silence(200), speech]));
    expect(got.segments).toEqual([]);
    await session.close();
    expect(got.segments.map((s) => s.text).join(' ')).toMatch(/testing.*three/);
    session.write(speech);
    await session.close();
    expect(got.segments).toHaveLength(1);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('reports an FFmpeg that dies, starts a new one and goes on transcribing', async () => {
    const got = recorder();
    const session = new PocketsphinxRecognizer().open(got);
    await writeLive(session, silence(200));
    const [first] = ffmpegChildren();
    expect(first).toBeDefined();
    process.kill(first!.pid, 'SIGKILL');
    await until(() => got.errors.length === 1);
    expect(got.errors[0]!.message).toMatch(/speech recognizer stopped: FFmpeg killed by SIGKILL/);
    // The backoff's first delay is about a second: keep writing (silence) until a new FFmpeg runs.
    let writtenMs = 200;
    while (!ffmpegChildren().some(({ pid }) => pid !== first!.pid)) {
      await writeLive(session, silence(100));
      writtenMs += 100;
    }
    await writeLive(session, Buffer.concat([silence(300), speech, silence(1500)]));
    await until(() => got.segments.length >= 1);
    await session.close();
    expect(got.segments[0]!.text).toMatch(/testing.*three/);
    // Session time went on through the restart: the speech is dated after everything written before it.
    expect(got.segments[0]!.start).toBeGreaterThanOrEqual(writtenMs + 300 - 100);
    expect(got.segments[0]!.end).toBeGreaterThan(writtenMs + 300 + speech.length / 32 - 600);
    expect(got.errors).toHaveLength(1);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('reads a model from a directory whose name has filter syntax in it', async () => {
    const weird = path.join(dir, "we:ird,d[ir]'s");
    await mkdir(weird);
    for (const name of ['en-us', 'cmudict-en-us.dict', 'en-us.lm.bin']) {
      await symlink(path.join(DEFAULT_POCKETSPHINX_MODEL_DIR, name), path.join(weird, name));
    }
    const recognizer = new PocketsphinxRecognizer({ modelDir: weird });
    expect(await recognizer.available()).toBe(true);
    const got = recorder();
    const session = recognizer.open(got);
    await writeLive(session, Buffer.concat([speech, silence(1500)]));
    await until(() => got.segments.length >= 1 || got.errors.length >= 1);
    await session.close();
    expect(got.errors).toEqual([]);
    expect(got.segments[0]!.text).toMatch(/three/);
  });
});
