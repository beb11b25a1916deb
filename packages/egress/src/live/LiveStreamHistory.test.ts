import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveStreamInfo, LiveStreamStatus, RecordingInfo } from '@roomcast/protocol';
import { SERVER_STOPPED } from '../recordings/RecordingStore.js';
import { LiveStreamHistory } from './LiveStreamHistory.js';
import { LiveStreamRecords, RECORDS_DIR_NAME, signedRecord, unsignedRecord } from './LiveStreamRecords.js';

function record(id: string, status: LiveStreamStatus, extra: Partial<LiveStreamInfo> = {}): LiveStreamInfo {
  return {
    id,
    name: 'show',
    room: 'studio',
    status,
    playback: { url: `/hls/${id}/master.m3u8` },
    renditions: ['360p'],
    recording: { hls_vod: true, mp4: true, assets: [] },
    created_at: new Date(Date.parse('2026-01-01T00:00:00Z') + id.length * 1000).toISOString(),
    started_at: status === 'starting' ? null : '2026-01-01T00:00:01.000Z',
    started_by: { type: 'api', identity: null },
    stopped_at: null,
    stopped_by: null,
    error: null,
    ...extra,
  };
}

const ASSET = { type: 'mp4' as const, url: '/recordings/a/recording.mp4', duration_s: 4, size_bytes: 1000 };

function recordingOf(id: string, status: RecordingInfo['status']): RecordingInfo {
  return {
    id,
    live_stream_id: id,
    room: 'studio',
    created_at: '2026-01-01T00:00:00.000Z',
    status,
    renditions: ['360p'],
    requested: { hls_vod: false, mp4: true },
    assets: status === 'ready' ? [ASSET] : [],
    error: null,
  };
}

describe('LiveStreamHistory', () => {
  let hlsDir: string;
  let records: LiveStreamRecords;
  beforeEach(async () => {
    hlsDir = await mkdtemp(join(tmpdir(), 'roomcast-history-'));
    records = new LiveStreamRecords(join(hlsDir, RECORDS_DIR_NAME));
  });
  afterEach(async () => {
    await rm(hlsDir, { recursive: true, force: true });
  });

  it('stops what a crash left active, with the reason, on disk too; ended records stay as they were', async () => {
    await records.save(record('a', 'running'));
    await records.save(record('bb', 'starting', { recording: { hls_vod: false, mp4: false, assets: [] } }));
    await records.save(record('ccc', 'stopping', { stopped_by: { type: 'api', identity: null } }));
    const failed = record('dddd', 'failed', { stopped_at: '2026-01-01T00:01:00.000Z', error: 'the encoder failed' });
    await records.save(failed);
    // The unrecorded stream's segments, left in HLS_DIR by the crash.
    await mkdir(join(hlsDir, 'bb', '360p'), { recursive: true });

    const history = new LiveStreamHistory({ hlsDir });
    const { recovered, resumed } = await history.recover();

    expect(resumed).toEqual([]);
    expect(recovered.map((r) => r.id)).toEqual(['a', 'bb', 'ccc']);
    for (const info of recovered) {
      expect(info).toMatchObject({ status: 'stopped', error: SERVER_STOPPED, stopped_by: { type: 'system', identity: null } });
      expect(info.stopped_at).not.toBeNull();
      expect(history.get(info.id)).toEqual(info);
    }
    expect(history.get('dddd')).toEqual(failed);
    expect(existsSync(join(hlsDir, 'bb'))).toBe(false);
    // A second server start finds them final: nothing to recover twice.
    const again = await new LiveStreamHistory({ hlsDir }).recover();
    expect(again).toEqual({ recovered: [], resumed: [] });
    expect(history.inRoom('studio').map((r) => r.status)).toEqual(['stopped', 'stopped', 'stopped', 'failed']);
    expect(history.inRoom('elsewhere')).toEqual([]);
  });

  it('hands back the active records it may resume, with their layout, and recovers the rest', async () => {
    await records.save({ ...record('a', 'running'), layout: { name: 'spotlight', options: { gap: 4 } } });
    await records.save(record('bb', 'starting'));
    await records.save(record('ccc', 'stopping'));
    await records.save({ ...record('dddd', 'running'), room: 'gone' });
    const history = new LiveStreamHistory({ hlsDir });
    const { recovered, resumed } = await history.recover((stored) => stored.room === 'studio');

    // Stopping was about to end anyway: it is finished, not resumed; a room that is gone cannot resume.
    expect(resumed.map((r) => [r.id, r.status, r.layout])).toEqual([
      ['a', 'running', { name: 'spotlight', options: { gap: 4 } }],
      ['bb', 'starting', undefined],
    ]);
    expect(recovered.map((r) => [r.id, r.status])).toEqual([
      ['ccc', 'stopped'],
      ['dddd', 'stopped'],
    ]);
    // The resumed ones are this run's again, not history; the layout is never part of what is handed out.
    expect(history.get('a')).toBeUndefined();
    expect(history.get('dddd')).not.toHaveProperty('layout');
  });

  it('skips files that are not records (corrupt, foreign, a temp file, a mismatched id)', async () => {
    const dir = join(hlsDir, RECORDS_DIR_NAME);
    await records.save(record('good', 'stopped'));
    await writeFile(join(dir, 'broken.json'), '{"id": "broken", "status": ');
    await writeFile(join(dir, 'other.json'), JSON.stringify({ id: 'other', hello: 1 }));
    await writeFile(join(dir, 'renamed.json'), JSON.stringify(record('original', 'running')));
    await writeFile(join(dir, '.good.json.tmp'), 'half');
    expect((await records.load()).map((r) => r.id)).toEqual(['good']);
  });

  it('writes atomically and in order: the last state wins, a remove after a save leaves nothing', async () => {
    const saves = (['starting', 'running', 'stopping', 'stopped'] as const).map((s) => records.save(record('a', s)));
    await Promise.all(saves);
    expect(JSON.parse(await readFile(join(hlsDir, RECORDS_DIR_NAME, 'a.json'), 'utf8'))).toMatchObject({ status: 'stopped' });
    void records.save(record('b', 'running'));
    await records.remove('b');
    expect(await readdir(join(hlsDir, RECORDS_DIR_NAME))).toEqual(['a.json']);
  });

  it('links the assets once the recording is finished, whichever of the two came first', async () => {
    await records.save(record('a', 'running'));
    await records.save(record('bb', 'running'));
    const history = new LiveStreamHistory({ hlsDir });
    // The recording store finished this one before the records were read.
    history.recordingFinished(recordingOf('bb', 'ready'));
    history.recordingFinished(recordingOf('a', 'recording'));
    const { recovered } = await history.recover();
    expect(recovered.find((r) => r.id === 'bb')?.recording.assets).toEqual([ASSET]);
    expect(history.get('a')?.recording.assets).toEqual([]);

    history.recordingFinished(recordingOf('a', 'ready'));
    expect(history.get('a')?.recording.assets).toEqual([ASSET]);
    await history.flush();
    const onDisk = await records.load();
    expect(onDisk.map((r) => r.recording.assets)).toEqual([[ASSET], [ASSET]]);
  });

  it('forgets with the recording and the oldest first, on disk too', async () => {
    for (const id of ['a', 'bb', 'ccc']) await records.save(record(id, 'stopped'));
    const history = new LiveStreamHistory({ hlsDir });
    await history.recover();
    history.forget('bb');
    expect(history.forgetOldest(1)).toBe(1);
    await history.flush();
    expect(history.get('a')).toBeUndefined();
    expect(history.get('bb')).toBeUndefined();
    expect((await records.load()).map((r) => r.id)).toEqual(['ccc']);
  });

  it('keeps URLs unsigned on disk and signs them afresh when handed out', () => {
    const signed = record('a', 'stopped', {
      playback: { url: 'https://tv.example/hls/a/master.m3u8?exp=1&sig=abc' },
      recording: { hls_vod: false, mp4: true, assets: [{ ...ASSET, url: `${ASSET.url}?exp=1&sig=def` }] },
    });
    const bare = unsignedRecord(signed);
    expect(bare.playback.url).toBe('https://tv.example/hls/a/master.m3u8');
    expect(bare.recording.assets[0]!.url).toBe(ASSET.url);
    expect(signedRecord(bare, undefined)).toBe(bare);
    const again = signedRecord(bare, (url) => `${url}?exp=2&sig=new`);
    expect(again.recording.assets[0]!.url).toBe(`${ASSET.url}?exp=2&sig=new`);
    expect(again.playback.url).toBe('https://tv.example/hls/a/master.m3u8?exp=2&sig=new');
  });
});
