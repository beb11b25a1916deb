import { execFile } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlvFanout } from '../fanout/FlvFanout.js';
import { FlvTagReader } from '../fanout/FlvTagReader.js';
import { FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import { ffmpegPath, ffprobePath } from '../ffmpeg/ffmpegPath.js';
import { remuxToMp4 } from '../recordings/mp4Remux.js';
import { ffmpegChildren } from '../testing/childProcesses.js';
import { isAlive } from '../testing/isAlive.js';
import { attributes, checkLlHls } from './checkLlHls.js';
import { HLS_FAILURES, HlsRendition, type HlsRenditionOptions } from './HlsRendition.js';
import { partName } from './names.js';

const run = promisify(execFile);

/** A live H.264 + AAC FLV, as the composite's encoder makes it: 320x240 at 30 fps, 2 s GOP, in real time. */
function startSource(): Promise<FfmpegProcess> {
  return FfmpegProcess.spawn([
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30',
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '64k', '-ac', '2',
    '-f', 'flv', '-flvflags', 'no_duration_filesize', 'pipe:1',
  ], { pipes: { stdout: true } });
}

/** A source feeding a fan-out (a new one unless given), as the composite's encoder feeds its own. */
async function startFeed(fanout = new FlvFanout()): Promise<{ fanout: FlvFanout; source: FfmpegProcess }> {
  const source = await startSource();
  const reader = new FlvTagReader();
  source.stdout.on('data', (chunk: Buffer) => {
    const tags = reader.push(chunk);
    if (reader.header) fanout.setHeader(reader.header);
    fanout.push(tags);
  });
  return { fanout, source };
}

async function probe(file: string): Promise<Array<{ codec_name: string; width?: number; height?: number }>> {
  const { stdout } = await run(ffprobePath(), ['-v', 'error', '-show_streams', '-of', 'json', file], { timeout: 15_000 });
  return (JSON.parse(stdout) as { streams: Array<{ codec_name: string; width?: number; height?: number }> }).streams;
}

/** Durations of the parts and complete segments a playlist lists, by URI. */
function durations(playlist: string, into: { parts: Map<string, number>; lastOfSegment: Set<string>; segments: Map<string, number> }): void {
  const lines = playlist.split('\n');
  lines.forEach((line, i) => {
    if (line.startsWith('#EXT-X-PART:')) {
      const a = attributes(line.slice(12));
      into.parts.set(a.URI!, Number(a.DURATION));
      if (lines[i + 1]?.startsWith('#EXTINF')) into.lastOfSegment.add(a.URI!);
    }
    if (line.startsWith('#EXTINF:')) into.segments.set(lines[i + 1]!, Number.parseFloat(line.slice(8)));
  });
}

const within = (value: number, target: number) => Math.abs(value - target) <= 0.1 * target;

describe('LL-HLS rendition of a live FLV (real FFmpeg)', () => {
  const fanout = new FlvFanout();
  const renditions: HlsRendition[] = [];
  let source: FfmpegProcess;
  let root: string;
  let live: HlsRendition;
  let recording: HlsRendition;

  const options = (dir: string, extra: Partial<HlsRenditionOptions> = {}): HlsRenditionOptions => ({
    dir, name: '240p', width: 320, height: 240, frameRate: 30, bandwidth: 500_000, ...extra,
  });
  async function start(dir: string, extra: Partial<HlsRenditionOptions> = {}): Promise<HlsRendition> {
    const rendition = await HlsRendition.start(fanout, options(dir, extra));
    renditions.push(rendition);
    return rendition;
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hls-int-'));
    await Promise.all(['live', 'rec', 'dies', 'resumed', 'continued'].map((d) => import('node:fs/promises').then((fs) => fs.mkdir(join(root, d)))));
    source = (await startFeed(fanout)).source;
  });

  afterAll(async () => {
    await Promise.all(renditions.map((r) => r.stop()));
    await source?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('cuts the stream into parts of 1/3 s and segments of 2 s, listed in a valid LL-HLS playlist as they come', async () => {
    live = await start(join(root, 'live'), { windowSegments: 2 });
    recording = await start(join(root, 'rec'), { keepAll: true });
    const firstPart = new Promise<void>((resolve) => live.once('firstPart', resolve));
    const seen = { parts: new Map<string, number>(), lastOfSegment: new Set<string>(), segments: new Map<string, number>() };
    const problems: string[] = [];
    let previous: string | undefined;
    await firstPart;
    expect(live.ready).toBe(true);
    // Follow the live playlist part by part, as a player doing blocking reloads would, for ~7 s.
    while ((live.edge()?.msn ?? 0) < 4) {
      const edge = live.edge()!;
      expect(await live.waitFor(edge.msn, edge.part + 1, 3000)).toBe(true);
      const text = live.playlist();
      problems.push(...checkLlHls(text, previous));
      durations(text, seen);
      previous = text;
    }
    expect(problems).toEqual([]);
    const parts = [...seen.parts].filter(([uri]) => !seen.lastOfSegment.has(uri)).map(([, d]) => d);
    const lastParts = [...seen.lastOfSegment].map((uri) => seen.parts.get(uri)!);
    const segments = [...seen.segments.values()];
    console.log(`parts (s): ${parts.map((d) => d.toFixed(3)).join(' ')}`);
    console.log(`last parts of segments (s): ${lastParts.map((d) => d.toFixed(3)).join(' ')}`);
    console.log(`segments (s): ${segments.map((d) => d.toFixed(3)).join(' ')}`);
    expect(parts.length).toBeGreaterThanOrEqual(15);
    expect(parts.filter((d) => !within(d, 1 / 3))).toEqual([]);
    // The last part of a segment may be shorter (RFC 8216bis §4.4.4.9); with a 2 s GOP none is.
    expect(lastParts.filter((d) => !within(d, 1 / 3))).toEqual([]);
    expect(segments.length).toBeGreaterThanOrEqual(3);
    expect(segments.filter((d) => !within(d, 2))).toEqual([]);
    expect(live.codecs).toMatch(/^avc1\.42c0[0-9a-f]{2},mp4a\.40\.2$/);
    expect(live.playlist()).toMatch(/#EXT-X-PART:DURATION=[\d.]+,URI="part\d+\.m4s",INDEPENDENT=YES\n/);
  });

  it('answers a blocking request for the next part as soon as its file is written', async () => {
    const latencies: number[] = [];
    const appeared = new Map<string, number>();
    const watcher: FSWatcher = watch(live.options.dir, (_event, name) => {
      if (name && !appeared.has(name)) appeared.set(name, performance.now());
    });
    try {
      for (let i = 0; i < 5; i++) {
        const edge = live.edge()!;
        const next = live.playlist().match(/PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/)![1]!;
        const hinted = live.waitForFile(next, 3000);
        expect(await live.waitFor(edge.msn, edge.part + 1, 3000)).toBe(true);
        const answeredAt = performance.now();
        latencies.push(answeredAt - appeared.get(next)!);
        const path = (await hinted)!;
        expect(path).toBe(live.file(next));
        const bytes = await readFile(path);
        expect(bytes.toString('latin1', 4, 8)).toBe('moof');
        expect(live.playlist()).toContain(`URI="${next}"`);
      }
    } finally {
      watcher.close();
    }
    console.log(`waitFor answered after the part file appeared (ms): ${latencies.map((ms) => ms.toFixed(1)).join(' ')}`);
    // Issue 10: a blocking reload is answered within 100 ms of the part.
    expect(Math.max(...latencies)).toBeLessThan(100);
    expect(await live.waitForFile(partName(live.playlist().length * 1000), 10)).toBeUndefined();
    expect(live.file('../live/index.m3u8')).toBeUndefined();
    expect(await live.waitFor(live.edge()!.msn + 50, 0, 50)).toBe(false);
  });

  it('is opened by ffprobe while live: H.264 320x240 and AAC', async () => {
    const streams = await probe(live.file('index.m3u8')!);
    expect(streams.map((s) => [s.codec_name, s.width, s.height])).toEqual([['h264', 320, 240], ['aac', undefined, undefined]]);
  });

  it('stops cleanly: ENDLIST, the window or every segment kept, no part files, no FFmpeg left', async () => {
    const remuxes = [live.pid, recording.pid];
    expect(remuxes.every((pid) => pid !== undefined && isAlive(pid))).toBe(true);
    await Promise.all([live.stop(), recording.stop(), live.stop()]);
    const remaining = ffmpegChildren().map((c) => c.pid);
    expect(remaining.filter((pid) => remuxes.includes(pid))).toEqual([]);
    for (const rendition of [live, recording]) {
      const text = rendition.playlist();
      expect(text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
      expect(checkLlHls(text)).toEqual([]);
      expect(await readFile(join(rendition.options.dir, 'index.m3u8'), 'utf8')).toBe(text);
    }
    const liveFiles = (await readdir(live.options.dir)).sort();
    const liveSegments = live.playlist().match(/^seg\d+\.m4s$/gm)!;
    expect(liveSegments).toHaveLength(2);
    expect(liveFiles).toEqual(['index.m3u8', 'init.mp4', ...liveSegments].sort());
    const recFiles = await readdir(recording.options.dir);
    const recSegments = recording.playlist().match(/^seg\d+\.m4s$/gm)!;
    expect(recSegments[0]).toBe('seg0.m4s');
    expect(recFiles.sort()).toEqual(['index.m3u8', 'init.mp4', ...recSegments].sort());
    const streams = await probe(join(recording.options.dir, 'index.m3u8'));
    expect(streams.map((s) => s.codec_name)).toEqual(['h264', 'aac']);
    expect(await live.waitFor(1000, undefined, 1000)).toBe(false);
    expect(await live.waitFor(0, undefined, 1000)).toBe(true);
  });

  it('fails with a fixed phrase when its remux dies, and leaves no process', async () => {
    const dies = await start(join(root, 'dies'));
    const failed = new Promise<string>((resolve) => dies.once('failed', resolve));
    await new Promise<void>((resolve) => dies.once('firstPart', resolve));
    const pending = dies.waitFor(1000, 0, 10_000);
    process.kill(dies.pid!, 'SIGKILL');
    expect(await failed).toBe(HLS_FAILURES.remuxDied);
    expect(await pending).toBe(false);
    expect(dies.state).toBe('failed');
    await dies.stop();
    expect(ffmpegChildren().filter((c) => c.argv.includes('-frag_duration'))).toEqual([]);
  });

  it("continues a run lost with another egress node: nothing of it here, every number past what 60 s of it could reach, after a discontinuity", async () => {
    const dir = join(root, 'continued');
    const continued = await start(dir, { keepAll: true, continueAfterS: 60 });
    await new Promise<void>((resolve) => continued.once('firstPart', resolve));
    const edge = continued.edge()!.msn;
    expect(await continued.waitFor(edge + 1, undefined, 15_000)).toBe(true);
    const text = continued.playlist();
    expect(checkLlHls(text)).toEqual([]);
    // 60 s of 2 s segments is at most 30 of them, of 1/3 s parts at most 180.
    const sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)![1]);
    expect(sequence).toBeGreaterThan(30);
    expect(Number(/#EXT-X-DISCONTINUITY-SEQUENCE:(\d+)/.exec(text)![1])).toBeGreaterThan(30);
    expect(Math.min(...[...text.matchAll(/part(\d+)\.m4s/g)].map((m) => Number(m[1])))).toBeGreaterThan(180);
    // Its first segment follows a discontinuity, with an init segment no earlier run could have named.
    expect(text).toMatch(/^#EXT-X-MAP:URI="init\d+\.mp4"\n#EXT-X-DISCONTINUITY\n/m);
    expect(text).not.toContain('URI="init.mp4"');
    // Its media time goes on from 60 s (a player's timeline never runs backwards).
    const first = text.match(/^seg\d+\.m4s$/m)![0];
    const init = /#EXT-X-MAP:URI="(init\d+\.mp4)"/.exec(text)![1]!;
    const joined = join(root, 'continued-first.mp4');
    await writeFile(joined, Buffer.concat([await readFile(join(dir, init)), await readFile(join(dir, first))]));
    const { stdout } = await run(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=dts_time', '-read_intervals', '%+#1', '-of', 'csv=p=0', joined], { timeout: 15_000 });
    expect(Number(stdout.trim().split('\n')[0])).toBeGreaterThanOrEqual(60);
  });

  it('resumes in a new run after its process died: earlier segments still served, a discontinuity, timestamps that go on, one MP4', async () => {
    const dir = join(root, 'resumed');
    const first = await start(dir, { keepAll: true });
    expect(await first.waitFor(2, undefined, 15_000)).toBe(true);
    // A SIGKILL of the egress process: no stop, no ENDLIST; what is on disk is all that is left.
    const failed = new Promise<string>((resolve) => first.once('failed', resolve));
    process.kill(first.pid!, 'SIGKILL');
    await failed;
    // Writes already under way finish (as a dying process's would, or not: the state is written first).
    await first.stop();
    const before = await readFile(join(dir, 'index.m3u8'), 'utf8');
    const earlier = before.match(/^seg\d+\.m4s$/gm)!;

    // The next egress process encodes afresh: its FLV timestamps start again near 0.
    const restarted = await startFeed();
    const second = await HlsRendition.start(restarted.fanout, options(dir, { keepAll: true, resume: true }));
    renditions.push(second);
    expect(second.run).toBe(1);
    // Before its own first part, the earlier segments are served as they were.
    expect(second.file('seg0.m4s')).toBe(join(dir, 'seg0.m4s'));
    expect(second.file('init.mp4')).toBe(join(dir, 'init.mp4'));
    expect(second.ready).toBe(false);
    await new Promise<void>((resolve) => second.once('firstPart', resolve));
    expect(second.codecs).toMatch(/^avc1\./);
    const edge = second.edge()!.msn;
    expect(await second.waitFor(edge + 2, undefined, 15_000)).toBe(true);
    const live = second.playlist();
    expect(checkLlHls(live)).toEqual([]);
    expect(live).toContain(`${earlier.at(-1)!}\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init1.mp4"\n`);
    await second.stop();
    await restarted.source.stop();

    const text = second.playlist();
    const segments = text.match(/^seg\d+\.m4s$/gm)!;
    expect(segments.slice(0, earlier.length)).toEqual(earlier);
    expect(segments).toEqual(segments.map((_, i) => `seg${i}.m4s`));
    expect(text.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
    // No part files of either run, no state left to resume from: it ended.
    expect((await readdir(dir)).sort()).toEqual(['index.m3u8', 'init.mp4', 'init1.mp4', ...segments].sort());

    // The new run's media time starts where the earlier run's ended, though its encoder started again at 0.
    const firstNew = segments[earlier.length]!;
    const joined = join(root, 'first-new.mp4');
    await writeFile(joined, Buffer.concat([await readFile(join(dir, 'init1.mp4')), await readFile(join(dir, firstNew))]));
    const earlierEnd = [...before.matchAll(/^#EXTINF:([\d.]+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    const { stdout: firstDts } = await run(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=dts_time', '-read_intervals', '%+#1', '-of', 'csv=p=0', joined], { timeout: 15_000 });
    expect(Number(firstDts.trim().split('\n')[0])).toBeGreaterThanOrEqual(earlierEnd);

    // The recording as one MP4: both runs, timestamps only growing.
    const mp4 = join(root, 'resumed.mp4');
    await remuxToMp4(ffmpegPath(), join(dir, 'index.m3u8'), mp4);
    const listed = [...text.matchAll(/^#EXTINF:([\d.]+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    const { stdout } = await run(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=dts_time:format=duration', '-of', 'json', mp4], { timeout: 15_000 });
    const probed = JSON.parse(stdout) as { packets: Array<{ dts_time: string }>; format: { duration: string } };
    const dts = probed.packets.map((p) => Number(p.dts_time));
    expect(dts.filter((t, i) => i > 0 && t <= dts[i - 1]!)).toEqual([]);
    expect(dts.length).toBeGreaterThanOrEqual(Math.floor(listed * 30 * 0.9));
    expect(Number(probed.format.duration)).toBeGreaterThanOrEqual(listed * 0.9);
  });

  it('fails with a phrase that says so when its directory cannot be written', async () => {
    const nowhere = await start(join(root, 'missing'));
    expect(await new Promise<string>((resolve) => nowhere.once('failed', resolve))).toBe(HLS_FAILURES.notWritable);
    await nowhere.stop();
    expect(nowhere.pid).toBeUndefined();
  });
});
