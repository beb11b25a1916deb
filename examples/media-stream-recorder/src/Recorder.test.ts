import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeRtmsServer } from '@roomcast/media-stream-client/testing';
import { Recorder } from './Recorder.js';
import { wavHeader } from './WavWriter.js';
import { startWebhookServer } from './webhookServer.js';

/*
 * The recorder end to end against FakeRtmsServer, a loopback `ws` server standing in for
 * Roomcast's RTMS sockets (the real server's are tested with the client in test/).
 */

const credentials = { clientId: 'rec-id', clientSecret: 'rec-secret' };
let rtms: FakeRtmsServer;
let http: Server;
let webhookUrl: string;
let recorder: Recorder;
let outDir: string;
const logs: string[] = [];

beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'recorder-'));
  rtms = await FakeRtmsServer.start(credentials);
  recorder = new Recorder({ host: '127.0.0.1', port: 0, ...credentials, outDir, reconnectWindowMs: 5000 }, (m) => logs.push(m));
  const started = await startWebhookServer({ host: '127.0.0.1', port: 0, secret: credentials.clientSecret, onEvent: (e) => recorder.handle(e) });
  http = started.server;
  webhookUrl = started.url;
});

afterEach(async () => {
  await recorder.close();
  await new Promise((resolve) => http.close(resolve));
  await rtms.close();
  await rm(outDir, { recursive: true, force: true });
});

function post(type: string, data: Record<string, unknown>, secret = credentials.clientSecret): Promise<Response> {
  const body = JSON.stringify({ id: `evt_${type}_${Math.random()}`, type, created_at: new Date().toISOString(), room_id: 'room-1', data });
  const t = Math.floor(Date.now() / 1000);
  const signature = `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
  return fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'Roomcast-Signature': signature }, body });
}

const audio = (userId: number, userName: string, fill: number): object => ({
  msg_type: 14,
  content: { user_id: userId, user_name: userName, data: Buffer.alloc(640, fill).toString('base64'), timestamp: Date.now() },
});

describe('Recorder', () => {
  it('refuses a webhook with a bad signature', async () => {
    const response = await post('media_stream.started', { room_id: 'room-1', stream_id: 'ms_x', server_urls: rtms.signalingUrl }, 'wrong');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect(recorder.recording('ms_x')).toBeUndefined();
  });

  it('records one WAV per participant and the transcript, across a reconnect, until STOPPED', async () => {
    const response = await post('media_stream.started', { room_id: 'room-1', stream_id: 'ms_1', server_urls: rtms.signalingUrl });
    expect(response.status).toBe(204);
    expect((await rtms.waitFor('media', 3)).message.media_type).toBe(1 | 8);
    await rtms.waitFor('media', 7);
    const recording = recorder.recording('ms_1');
    rtms.send('media', audio(1, 'Ada Lovelace', 1));
    rtms.send('media', audio(2, '../Grace', 2));
    const text = Buffer.from('hello world').toString('base64');
    rtms.send('media', { msg_type: 17, content: { user_id: 1, user_name: 'Ada Lovelace', data: text, timestamp: 0, start: 0, end: 1200, final: true } });
    rtms.send('media', { msg_type: 12, timestamp: 5 }); // a marker: answered after the media before it was handled
    await rtms.waitFor('media', 13);
    rtms.dropAll();
    await rtms.waitFor('media', 7, 2);
    rtms.send('media', audio(1, 'Ada Lovelace', 3));
    rtms.send('media', { msg_type: 8, state: 5, reason: 'stopped_by_api' });
    rtms.send('media', { msg_type: 12, timestamp: 6 });
    await rtms.waitFor('media', 13, 2);
    rtms.dropAll(); // as the server does after STOPPED
    await recording?.done;

    const dir = join(outDir, 'ms_1');
    expect((await readdir(dir)).sort()).toEqual(['1-Ada_Lovelace.wav', '2-Grace.wav', 'transcript.txt']);
    const ada = await readFile(join(dir, '1-Ada_Lovelace.wav'));
    expect(ada.subarray(0, 44)).toEqual(wavHeader({ sampleRate: 16000, channels: 1 }, 1280));
    expect(ada.subarray(44)).toEqual(Buffer.concat([Buffer.alloc(640, 1), Buffer.alloc(640, 3)]));
    expect((await readFile(join(dir, '2-Grace.wav'))).length).toBe(44 + 640);
    expect(await readFile(join(dir, 'transcript.txt'), 'utf8')).toBe('[00:00:00.000-00:00:01.200] Ada Lovelace: hello world\n');
    expect(logs.some((line) => line.startsWith('reconnected'))).toBe(true);
  });
});
