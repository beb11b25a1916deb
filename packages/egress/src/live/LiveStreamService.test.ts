import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, type LiveStreamActor, type LiveStreamInfo, normalizeLayout, type Quality, type WebhookEventType } from '@roomcast/protocol';
import { type Room, TypedEmitter } from '@roomcast/sfu';
import type { CompositeRequest, CompositeView } from '../composite/CompositeRequest.js';
import { encodeRefusal } from '../composite/encodeQuality.js';
import { FlvFanout } from '../fanout/FlvFanout.js';
import type { HlsRenditionEvents } from '../hls/HlsRendition.js';
import type { LiveRendition, LiveRenditionOptions } from './LiveRendition.js';
import { LiveStreamService } from './LiveStreamService.js';
import { SERVER_STOPPED } from '../recordings/RecordingStore.js';

/** A rendition without FFmpeg: the test says when its first part comes, or that it failed. */
class FakeRendition extends TypedEmitter<HlsRenditionEvents> implements LiveRendition {
  ready = false;
  stopped = 0;
  codecs = 'avc1.64001e,mp4a.40.2';
  constructor(readonly options: LiveRenditionOptions) {
    super();
  }
  firstPart(): void {
    this.ready = true;
    this.safeEmit('firstPart');
  }
  playlist(): string {
    return '#EXTM3U\n';
  }
  edge(): { msn: number; part: number } | undefined {
    return this.ready ? { msn: 0, part: 0 } : undefined;
  }
  async waitFor(): Promise<boolean> {
    return this.ready;
  }
  file(name: string): string | undefined {
    return name === 'init.mp4' ? join(this.options.dir, name) : undefined;
  }
  async waitForFile(name: string): Promise<string | undefined> {
    return this.file(name);
  }
  async stop(): Promise<void> {
    this.stopped++;
  }
}

const API: LiveStreamActor = { type: 'api', identity: null };

/** Encodes held by outputs, per quality: +1 per encodeFor, -1 per release. */
const held = new Map<Quality, number>();

/** A composite without FFmpeg whose encodes refuse what the real one refuses (see Encodes). */
function fakeComposite(quality: Quality): CompositeView {
  return {
    quality,
    layout: normalizeLayout('grid'),
    stopped: false,
    encodeFor: async (wanted) => {
      const refusal = encodeRefusal(quality, wanted);
      if (refusal) throw new AppError('conflict', refusal);
      held.set(wanted, (held.get(wanted) ?? 0) + 1);
      let released = false;
      const release = async () => {
        if (!released) held.set(wanted, held.get(wanted)! - 1);
        released = true;
      };
      return { quality: wanted, fanout: new FlvFanout(), release };
    },
  };
}

describe('LiveStreamService (fake composite and rendition)', () => {
  let hlsDir: string;
  let rooms: Map<string, Room>;
  let composite: CompositeView | undefined;
  let released: string[];
  let events: Array<{ type: WebhookEventType; data: Record<string, unknown> }>;
  let renditions: FakeRendition[];
  /** Holds the composite start until released: a window for stops and failures while starting. */
  let gate: Promise<void> | undefined;
  let service: LiveStreamService;
  /** What each composite request asked for. */
  let asked: Array<{ layout?: unknown; quality: Quality }>;

  const room = (name: string) => rooms.get(name)!;

  beforeEach(async () => {
    hlsDir = await mkdtemp(join(tmpdir(), 'live-unit-'));
    rooms = new Map(['a', 'b'].map((name) => [name, { name, closed: false, settings: {} } as unknown as Room]));
    composite = undefined;
    released = [];
    events = [];
    renditions = [];
    gate = undefined;
    asked = [];
    held.clear();
    service = new LiveStreamService({
      hlsDir,
      publicUrl: 'https://tv.example',
      host: {
        room: (name) => {
          const found = rooms.get(name);
          if (!found) throw new AppError('room_not_found', `no room named ${name}`);
          return found;
        },
        composite: async (_room: Room, request: CompositeRequest) => {
          const wanted = request.check(composite);
          asked.push(wanted);
          request.claim?.();
          await gate;
          composite ??= fakeComposite(wanted.quality);
          return composite;
        },
        release: async (r) => void released.push(r.name),
        publish: () => undefined,
        event: (_room, type, data) => void events.push({ type, data }),
        own: (task) => void task.catch(() => undefined),
      },
      hls: {
        start: async (_source, options) => {
          const rendition = new FakeRendition(options);
          renditions.push(rendition);
          return rendition;
        },
        masterPlaylist: (variants) => variants.map((v) => `${v.uri} ${v.codecs} ${v.width}x${v.height}`).join('\n'),
      },
    });
  });

  afterEach(async () => {
    // Its live stream records are written in the background: finished before their directory goes.
    await service.close();
    await rm(hlsDir, { recursive: true, force: true });
  });

  it('starts starting, runs at the first part, stops on request; events and listing follow', async () => {
    const started = await service.start('a', { quality: '360p', name: 'show' }, API);
    expect(started).toMatchObject({ name: 'show', room: 'a', status: 'starting', renditions: ['360p'], started_at: null, error: null });
    expect(started.playback.url).toBe(`https://tv.example/hls/${started.id}/master.m3u8`);
    expect(started.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(renditions[0]!.options).toMatchObject({ name: '360p', width: 640, height: 360, frameRate: 30, keepAll: false });
    expect(service.keepsAlive('a')).toBe(true);
    expect(service.listed('a').map((s) => s.status)).toEqual(['starting']);

    renditions[0]!.firstPart();
    expect(service.get(started.id)).toMatchObject({ status: 'running' });
    expect(service.get(started.id).started_at).not.toBeNull();
    expect(service.playback(started.id)?.master()).toBe('360p/index.m3u8 avc1.64001e,mp4a.40.2 640x360');

    const stopped = await service.stop(started.id, API);
    expect(stopped).toMatchObject({ status: 'stopped', stopped_by: API });
    expect(renditions[0]!.stopped).toBe(1);
    expect(service.keepsAlive('a')).toBe(false);
    expect(service.listed('a')).toEqual([]);
    expect(released).toEqual(['a']);
    expect(events.map((e) => e.type)).toEqual(['live_stream.started', 'live_stream.stopped']);
    // Not recorded: its files are gone and it is no longer served.
    expect(existsSync(join(hlsDir, started.id))).toBe(false);
    expect(service.playback(started.id)).toBeUndefined();
    // Still known, and stopping again changes nothing.
    expect((await service.stop(started.id, API)).status).toBe('stopped');
    expect(service.list('a').map((s) => s.id)).toEqual([started.id]);
  });

  it('allows one live stream per room (409), takes the running quality, refuses renditions the composite cannot scale to', async () => {
    composite = fakeComposite('480p');
    const first = await service.start('a', {}, API);
    expect(first.renditions).toEqual(['480p', '360p']);
    await expect(service.start('a', {}, API)).rejects.toMatchObject({ code: 'conflict' });
    composite = undefined;
    await expect(service.start('b', { quality: '360p', renditions: ['720p', '360p'] }, API)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('above'),
    });
    await expect(service.start('b', { quality: '720p', renditions: ['360p-portrait'] }, API)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('portrait'),
    });
    await expect(service.start('b', { renditions: ['360p', '360p'] }, API)).rejects.toMatchObject({ code: 'bad_request' });
    await expect(service.start('nowhere', {}, API)).rejects.toMatchObject({ code: 'room_not_found' });
    expect(service.listed('b')).toEqual([]);
    expect(renditions).toHaveLength(2);
    // Without a quality, the largest rendition sets the composite's.
    expect((await service.start('b', { renditions: ['360p', '1080p'] }, API)).renditions).toEqual(['1080p', '360p']);
    expect(composite!.quality).toBe('1080p');
  });

  it('a ladder: one rendition per quality on its encode, running once every one has a part, master by bandwidth, stop releases the encodes', async () => {
    const started = await service.start('a', { quality: '1080p', renditions: ['360p', '1080p'] }, API);
    expect(started.renditions).toEqual(['1080p', '360p']);
    expect(renditions.map((r) => r.options.name).sort()).toEqual(['1080p', '360p']);
    expect(Object.fromEntries(held)).toEqual({ '1080p': 1, '360p': 1 });
    const [low, high] = ['360p', '1080p'].map((name) => renditions.find((r) => r.options.name === name)!);
    expect(low!.options).toMatchObject({ width: 640, height: 360, bandwidth: Math.round(1128 * 1000 * 1.1) });
    low!.firstPart();
    expect(service.get(started.id).status).toBe('starting');
    expect(service.playback(started.id)?.master()).toBeUndefined();
    high!.firstPart();
    expect(service.get(started.id).status).toBe('running');
    expect(service.playback(started.id)?.master()).toBe(
      ['1080p/index.m3u8 avc1.64001e,mp4a.40.2 1920x1080', '360p/index.m3u8 avc1.64001e,mp4a.40.2 640x360'].join('\n'),
    );
    expect(service.playback(started.id)?.rendition('360p')).toBe(low);
    await service.stop(started.id, API);
    expect([low!.stopped, high!.stopped]).toEqual([1, 1]);
    expect(Object.fromEntries(held)).toEqual({ '1080p': 0, '360p': 0 });
  });

  it('a start that fails on one rung stops the rungs that started and releases every encode', async () => {
    composite = fakeComposite('720p');
    const encodeFor = composite.encodeFor;
    composite = { ...composite, encodeFor: (q) => (q === '360p' ? Promise.reject(new Error('no FFmpeg')) : encodeFor(q)) };
    await expect(service.start('a', {}, API)).rejects.toThrow('no FFmpeg');
    expect(renditions.map((r) => [r.options.name, r.stopped])).toEqual([['720p', 1]]);
    expect(Object.fromEntries(held)).toEqual({ '720p': 0 });
    expect(service.listed('a')).toEqual([]);
    expect(released).toEqual(['a']);
  });

  it('a stop while the composite is starting ends it without a rendition; the start answers with the stop', async () => {
    let open = () => undefined as void;
    gate = new Promise((resolve) => (open = resolve));
    const starting = service.start('a', {}, API);
    await Promise.resolve();
    expect(service.keepsAlive('a')).toBe(true);
    const stopping = service.stopInRoom('a', undefined, { type: 'participant', identity: 'mod' });
    expect(service.listed('a')[0]?.status).toBe('stopping');
    open();
    expect((await starting).status).not.toBe('running');
    expect(await stopping).toMatchObject({ status: 'stopped', stopped_by: { type: 'participant', identity: 'mod' } });
    expect(renditions).toEqual([]);
    expect(service.keepsAlive('a')).toBe(false);
    expect(released).toEqual(['a']);
  });

  it('a failure while the composite is starting starts no rendition and never reports running', async () => {
    let open = () => undefined as void;
    gate = new Promise((resolve) => (open = resolve));
    const starting = service.start('a', {}, API);
    await Promise.resolve();
    const failing = service.failRoom(room('a'), 'the encoder failed repeatedly');
    open();
    const { id } = await starting;
    await failing;
    expect(renditions).toEqual([]);
    expect(service.get(id)).toMatchObject({ status: 'failed', error: 'the encoder failed repeatedly' });
    expect(events.map((e) => e.type)).toEqual(['live_stream.failed']);
  });

  it('fails when its rendition fails, stays listed with the reason until stopped; a new one replaces it', async () => {
    const started = await service.start('a', { recording: { hls_vod: true } }, API);
    for (const rendition of renditions) rendition.firstPart();
    const top = renditions.find((r) => r.options.name === '720p')!;
    top.safeEmit('failed', 'the HLS remux stopped unexpectedly');
    await expect.poll(() => service.get(started.id).status).toBe('failed');
    expect(service.get(started.id).error).toBe('the HLS remux stopped unexpectedly');
    expect(service.keepsAlive('a')).toBe(false);
    expect(service.listed('a').map((s) => s.status)).toEqual(['failed']);
    expect(events.at(-1)).toMatchObject({ type: 'live_stream.failed', data: { reason: 'the HLS remux stopped unexpectedly' } });
    // Recorded: what it wrote is still served.
    expect(service.playback(started.id)?.rendition('720p')).toBe(top);
    const next = await service.start('a', {}, API);
    expect(service.listed('a').map((s) => s.id)).toEqual([next.id]);
  });

  it('fails with the reason when the room closes; a failed stream is unlisted by a stop', async () => {
    const started = await service.start('a', {}, API);
    await service.failRoom(room('a'), 'the room was closed');
    expect(service.get(started.id)).toMatchObject({ status: 'failed', error: 'the room was closed', stopped_by: null });
    expect((await service.stop(started.id, API)).status).toBe('failed');
    expect(service.listed('a')).toEqual([]);
  });

  it('close() stops every live stream, by the system', async () => {
    const a = await service.start('a', {}, API);
    const b = await service.start('b', {}, API);
    await service.close();
    for (const id of [a.id, b.id]) expect(service.get(id)).toMatchObject({ status: 'stopped', stopped_by: { type: 'system', identity: null } });
    // Two renditions each (the default ladder of 720p: 720p and 360p), every one stopped once.
    expect(renditions.map((r) => r.stopped)).toEqual([1, 1, 1, 1]);
  });

  it('answers 404 for unknown ids and live streams of another room', async () => {
    const started = await service.start('a', {}, API);
    expect(() => service.get('nope')).toThrow(expect.objectContaining({ code: 'egress_not_found' }));
    await expect(service.stopInRoom('b', started.id, API)).rejects.toMatchObject({ code: 'egress_not_found' });
    await expect(service.stopInRoom('b', undefined, API)).rejects.toMatchObject({ code: 'egress_not_found' });
    expect(service.playback('nope')).toBeUndefined();
    expect(service.playback(started.id)?.rendition('1080p')).toBeUndefined();
  });

  it('keeps a record of each status on disk; a restarted service stops what a crash left active, and keeps the newest only', async () => {
    const recordOf = async (id: string) => JSON.parse(await readFile(join(hlsDir, 'live-streams', `${id}.json`), 'utf8')) as LiveStreamInfo;
    const ended = await service.start('b', { quality: '360p' }, API);
    renditions[0]!.firstPart();
    await service.stop(ended.id, API);
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later created_at
    const crashed = await service.start('a', { quality: '360p' }, API);
    renditions[1]!.firstPart();
    await vi.waitFor(async () => expect((await recordOf(crashed.id)).status).toBe('running'));
    expect(await recordOf(ended.id)).toMatchObject({ status: 'stopped', stopped_by: API });

    // A second service on the same directory, as after a SIGKILL of the whole server: the first
    // never ended its stream, and its room went with the server (it is opened again afterwards).
    const recovered: LiveStreamInfo[] = [];
    const host = {
      ...service.options.host,
      room: (name: string) => {
        if (recovered.length === 0) throw new AppError('room_not_found', `no room named ${name}`);
        return room(name);
      },
      recovered: (info: LiveStreamInfo) => void recovered.push(info),
    };
    const restarted = new LiveStreamService({ ...service.options, host, historyLimit: 1 });
    await vi.waitFor(() => expect(recovered.map((r) => r.id)).toEqual([crashed.id]));
    const expected = { status: 'stopped', error: SERVER_STOPPED, stopped_by: { type: 'system', identity: null } };
    expect(recovered[0]).toMatchObject(expected);
    expect(restarted.get(crashed.id)).toMatchObject(expected);
    expect(restarted.list('a').map((s) => s.id)).toEqual([crashed.id]);
    expect(await recordOf(crashed.id)).toMatchObject(expected);
    // historyLimit 1: the older ended one is forgotten, its record too.
    expect(() => restarted.get(ended.id)).toThrow(expect.objectContaining({ code: 'egress_not_found' }));
    await vi.waitFor(() => expect(existsSync(join(hlsDir, 'live-streams', `${ended.id}.json`))).toBe(false));
    await restarted.close();
  });

  it('a new service finding a running stream of a room still open goes on with it: same id and start, renditions resumed', async () => {
    const started = await service.start('a', { renditions: ['720p', '360p'], layout: 'spotlight' }, API);
    renditions.forEach((r) => r.firstPart());
    await vi.waitFor(async () => expect(JSON.parse(await readFile(join(hlsDir, 'live-streams', `${started.id}.json`), 'utf8'))).toMatchObject({ status: 'running' }));
    const before = service.get(started.id);

    // The egress process died (nothing stopped); the next one is fed the same rooms.
    const resumedEvents: typeof events = [];
    const host = { ...service.options.host, event: (_room: Room, type: WebhookEventType, data: Record<string, unknown>) => void resumedEvents.push({ type, data }) };
    composite = undefined;
    const restarted = new LiveStreamService({ ...service.options, host });
    expect(await restarted.recovery).toEqual(new Set([started.id]));
    await vi.waitFor(() => expect(renditions).toHaveLength(4));
    const rungs = (list: FakeRendition[]) => list.map((r) => [r.options.name, r.options.resume === true, r.options.dir]).sort();
    expect(rungs(renditions.slice(2))).toEqual(rungs(renditions.slice(0, 2)).map(([name, , dir]) => [name, true, dir]));
    // Its composite comes back at the same quality and layout.
    expect(composite!.quality).toBe('720p');
    expect(asked.at(-1)).toEqual({ layout: 'spotlight', quality: '720p' });
    expect(restarted.get(started.id).status).toBe('starting');
    renditions.slice(2).forEach((r) => r.firstPart());
    const info = restarted.get(started.id);
    expect(info).toMatchObject({ status: 'running', started_at: before.started_at, created_at: before.created_at, renditions: ['720p', '360p'], playback: before.playback });
    expect(resumedEvents.map((e) => e.type)).toEqual(['live_stream.resumed']);
    expect(restarted.listed('a').map((s) => s.id)).toEqual([started.id]);
    await restarted.stop(started.id, API);
    expect(restarted.get(started.id).status).toBe('stopped');
    await restarted.close();
  });
});
