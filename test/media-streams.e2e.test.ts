import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SyntheticPublisher } from '@roomcast/egress';
import { type AudioData, MediaStreamClient, signHandshake, type VideoData } from '@roomcast/media-stream-client';
import { type MediaStreamInfo, RtmsStatus } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { ffmpegChildren } from './support/mediaProcesses.js';
import { sleep, waitFor } from './support/ports.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhookReceiver.js';

const run = promisify(execFile);
const APP = { id: 'notes', client_id: 'notes-client-id', client_secret: 'notes_client_secret_0123456789' };
const ROOM = 'rtms';
/** Zero crossings per second / 2 of s16le mono PCM: the frequency of a pure tone. */
function toneHz(frames: Buffer[], sampleRate: number): number {
  const pcm = Buffer.concat(frames);
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if ((samples[i - 1]! < 0) !== (samples[i]! < 0)) crossings++;
  return crossings / 2 / (samples.length / sampleRate);
}

describe('realtime media streams to an app (RTMS flow; real mediasoup, FFmpeg, pocketsphinx, app client)', () => {
  let server: TestServer;
  let hooks: WebhookReceiver;
  let workDir: string;
  const publishers: SyntheticPublisher[] = [];
  const clients: MediaStreamClient[] = [];

  const startStream = async (body: Record<string, unknown>): Promise<MediaStreamInfo> => {
    const response = await server.api(`/v1/rooms/${ROOM}/media_streams`, { method: 'POST', body: { app: APP.id, ...body } });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as MediaStreamInfo;
  };
  const control = (id: string, action: string) => server.api(`/v1/media_streams/${id}/${action}`, { method: 'POST' });
  const serverUrlOf = async (streamId: string): Promise<string> => {
    await waitFor(() => hooks.received.some((h) => h.event.type === 'media_stream.started' && h.event.data.stream_id === streamId), 5000);
    const hook = hooks.received.find((h) => h.event.type === 'media_stream.started' && h.event.data.stream_id === streamId)!;
    return hook.event.data.server_urls as string;
  };
  const connect = async (stream: MediaStreamInfo, options: Partial<Parameters<MediaStreamClient['connect']>[0]> = {}) => {
    const client = new MediaStreamClient();
    clients.push(client);
    await client.connect({
      serverUrl: await serverUrlOf(stream.id), roomId: ROOM, streamId: stream.id,
      clientId: APP.client_id, clientSecret: APP.client_secret, reconnect: false, ...options,
    });
    return client;
  };

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'roomcast-rtms-e2e-'));
    hooks = await startWebhookReceiver(APP.client_secret);
    server = await startTestServer({
      MEDIA_APPS: JSON.stringify([{ ...APP, webhook_url: hooks.url, allow: ['audio', 'video', 'transcript'] }]),
      MEDIA_STREAM_KEEPALIVE_MS: '300',
      MEDIA_STREAM_RECONNECT_GRACE_S: '2',
    });
    await server.api('/v1/rooms', { method: 'POST', body: { name: ROOM } });
    const room = server.sfu.room(ROOM);
    publishers.push(await SyntheticPublisher.start(room, { identity: 'alice', name: 'Alice', audio: { frequency: 440 } }));
    publishers.push(await SyntheticPublisher.start(room, { identity: 'bob', name: 'Bob', video: false, audio: { frequency: 1000 } }));
  });

  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    for (const publisher of publishers) await publisher.stop();
    await server?.close();
    await hooks?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('refuses a wrong signature and an unknown stream with a status code, then closes the socket', async () => {
    const stream = await startStream({ audio: {} });
    const url = await serverUrlOf(stream.id);
    const handshake = async (streamId: string, signature: string) => {
      const socket = new WebSocket(url);
      const reply = new Promise<{ msg_type: number; status_code: number; reason: string }>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.once('open', () => socket.send(JSON.stringify({ msg_type: 1, room_id: ROOM, stream_id: streamId, signature })));
      const message = await reply;
      await closed;
      return message;
    };
    const wrong = await handshake(stream.id, signHandshake(APP.client_id, 'another_secret_0123456789', ROOM, stream.id));
    expect(wrong.msg_type).toBe(2);
    expect(wrong.status_code).toBe(RtmsStatus.SIGNATURE_INVALID);
    const unknown = await handshake('no-such-stream', signHandshake(APP.client_id, APP.client_secret, ROOM, 'no-such-stream'));
    expect(unknown.status_code).not.toBe(RtmsStatus.OK);
    await control(stream.id, 'stop');
  });

  it('announces a stream with a webhook signed with the app secret, carrying the signaling URL', async () => {
    const stream = await startStream({ audio: {} });
    const url = await serverUrlOf(stream.id);
    const hook = hooks.received.find((h) => h.event.data.stream_id === stream.id)!;
    expect(hook.signatureValid).toBe(true);
    expect(hook.event.room_id).toBe(ROOM);
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/rtms\/signaling$/);
    await control(stream.id, 'stop');
    await waitFor(() => hooks.received.some((h) => h.event.type === 'media_stream.stopped' && h.event.data.stream_id === stream.id), 5000);
  });

  it("delivers each participant's audio labelled, in 20 ms frames, each decoding to that participant's tone", async () => {
    const stream = await startStream({ audio: { codec: 'pcm_s16le', sample_rate: 16000, per_participant: true } });
    const client = await connect(stream, { mediaTypes: ['audio'] });
    const byUser = new Map<string, AudioData[]>();
    client.on('audio', (frame) => byUser.set(frame.userName, [...(byUser.get(frame.userName) ?? []), frame]));
    expect(await waitFor(() => (byUser.get('Alice')?.length ?? 0) > 100 && (byUser.get('Bob')?.length ?? 0) > 100, 15_000)).toBe(true);
    for (const [name, expected] of [['Alice', 440], ['Bob', 1000]] as const) {
      const frames = byUser.get(name)!.slice(10);
      expect(new Set(frames.map((f) => f.data.length))).toEqual(new Set([640]));
      expect(Math.abs(toneHz(frames.map((f) => f.data), 16000) - expected) / expected).toBeLessThan(0.05);
    }
    expect(byUser.get('Alice')![0]!.userId).not.toBe(byUser.get('Bob')![0]!.userId);
    await control(stream.id, 'stop');
  });

  it('pauses and resumes: no media while paused, and the app is told each state', async () => {
    const stream = await startStream({ audio: {} });
    const client = await connect(stream, { mediaTypes: ['audio'] });
    const states: string[] = [];
    client.on('streamState', (update) => states.push(update.state));
    let frames = 0;
    client.on('audio', () => frames++);
    expect(await waitFor(() => frames > 20, 10_000)).toBe(true);
    expect((await control(stream.id, 'pause')).status).toBe(200);
    await sleep(300);
    frames = 0;
    await sleep(1000);
    expect(frames).toBe(0);
    expect((await control(stream.id, 'resume')).status).toBe(200);
    expect(await waitFor(() => frames > 20, 10_000)).toBe(true);
    expect(states).toEqual(expect.arrayContaining(['PAUSED', 'RESUMED']));
    expect((await control(stream.id, 'resume')).status).toBe(409);
    await control(stream.id, 'stop');
  });

  it("stops one participant's media while they pause their own session, and the app is told", async () => {
    const stream = await startStream({ audio: {} });
    const client = await connect(stream, { mediaTypes: ['audio'] });
    const counts = new Map<string, number>();
    client.on('audio', (frame) => counts.set(frame.userName, (counts.get(frame.userName) ?? 0) + 1));
    const paused = new Promise((resolve) => client.on('sessionState', (u) => u.userName === 'Alice' && u.state === 'PAUSED' && resolve(u)));
    expect(await waitFor(() => (counts.get('Alice') ?? 0) > 20, 10_000)).toBe(true);
    server.egress.mediaStreams.setParticipantPaused(ROOM, publishers[0]!.participant.id, true);
    await paused;
    await sleep(300);
    counts.clear();
    await sleep(1000);
    expect(counts.get('Alice') ?? 0).toBe(0);
    expect(counts.get('Bob') ?? 0).toBeGreaterThan(20);
    server.egress.mediaStreams.setParticipantPaused(ROOM, publishers[0]!.participant.id, false);
    expect(await waitFor(() => (counts.get('Alice') ?? 0) > 20, 10_000)).toBe(true);
    await control(stream.id, 'stop');
  });

  it('sends H.264 access units of one participant that start at a keyframe and decode', async () => {
    const stream = await startStream({ video: { codec: 'h264', source: { participant: 'alice' }, width: 320, fps: 10 } });
    const client = await connect(stream, { mediaTypes: ['video'], binary: true });
    const frames: VideoData[] = [];
    client.on('video', (frame) => frames.push(frame));
    expect(await waitFor(() => frames.length >= 20, 20_000)).toBe(true);
    expect(frames[0]!.keyFrame).toBe(true);
    expect(frames[0]!.userName).toBe('Alice');
    const file = join(workDir, 'alice.h264');
    await writeFile(file, Buffer.concat(frames.map((f) => Buffer.from(f.data))));
    const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-of', 'json', file]);
    const probed = (JSON.parse(stdout) as { streams: Array<{ codec_name: string; width: number; nb_read_frames: string }> }).streams[0]!;
    expect(probed.codec_name).toBe('h264');
    expect(probed.width).toBe(320);
    expect(Number(probed.nb_read_frames)).toBeGreaterThanOrEqual(frames.length - 1);
    await control(stream.id, 'stop');
  });

  it('closes a socket whose app misses three keep-alives while nothing flows, and keeps one that answers', async () => {
    const stream = await startStream({ audio: {} });
    const silent = await connect(stream, { mediaTypes: ['audio'], autoKeepAlive: false });
    const answering = await connect(stream, { mediaTypes: ['audio'] });
    await control(stream.id, 'pause');
    let silentClosed = false;
    silent.on('close', () => (silentClosed = true));
    let answeringClosed = false;
    answering.on('close', () => (answeringClosed = true));
    // 3 misses at 300 ms: closed within about a second of the pause.
    expect(await waitFor(() => silentClosed, 5000)).toBe(true);
    await sleep(1000);
    expect(answeringClosed).toBe(false);
    await control(stream.id, 'stop');
  });

  it('lets an app reconnect to the same stream within the grace period without a new webhook, and stops it after', async () => {
    const stream = await startStream({ audio: {} });
    const first = await connect(stream, { mediaTypes: ['audio'] });
    await first.close();
    await sleep(500);
    expect(((await (await server.api(`/v1/media_streams/${stream.id}`)).json()) as MediaStreamInfo).state).toBe('STARTED');
    const second = await connect(stream, { mediaTypes: ['audio'] });
    let frames = 0;
    second.on('audio', () => frames++);
    expect(await waitFor(() => frames > 10, 10_000)).toBe(true);
    expect(hooks.received.filter((h) => h.event.type === 'media_stream.started' && h.event.data.stream_id === stream.id)).toHaveLength(1);
    await second.close();
    expect(await waitFor(async () => ((await (await server.api(`/v1/media_streams/${stream.id}`)).json()) as MediaStreamInfo).state === 'STOPPED', 6000)).toBe(true);
    const info = (await (await server.api(`/v1/media_streams/${stream.id}`)).json()) as MediaStreamInfo;
    expect(info.reason).toBe('app_disconnected');
  });

  it('transcribes a known spoken sample (espeak-ng → a publisher → pocketsphinx) into its words', async () => {
    const speech = join(workDir, 'speech.wav');
    const padded = join(workDir, 'speech-padded.wav');
    await run('espeak-ng', ['-s', '130', '-w', speech, 'testing testing one two three']);
    await run('ffmpeg', ['-v', 'error', '-i', speech, '-af', 'apad=pad_dur=1.5', '-ar', '48000', padded]);
    publishers.push(await SyntheticPublisher.start(server.sfu.room(ROOM), { identity: 'carol', name: 'Carol', video: false, audio: { file: padded } }));
    const stream = await startStream({ transcript: true });
    const client = await connect(stream, { mediaTypes: ['transcript'] });
    const texts: string[] = [];
    client.on('transcript', (segment) => {
      if (segment.userName === 'Carol') texts.push(segment.text);
    });
    expect(await waitFor(() => /testing/.test(texts.join(' ')) && /three/.test(texts.join(' ')), 30_000)).toBe(true);
    await control(stream.id, 'stop');
    await publishers.pop()!.stop();
  });

  it('leaves no decoder, socket or stream behind once its streams stop', async () => {
    const publisherCount = publishers.length;
    await waitFor(() => ffmpegChildren().length === publisherCount, 8000);
    expect(ffmpegChildren().filter((p) => !p.cmdline.includes('-re '))).toEqual([]);
    const list = (await (await server.api(`/v1/rooms/${ROOM}/media_streams`)).json()) as { media_streams: MediaStreamInfo[] };
    expect(list.media_streams.every((s) => s.state === 'STOPPED' && s.connections === 0)).toBe(true);
  });
});
