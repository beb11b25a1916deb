/**
 * The apps of the media-stream benchmark, in their own process (spawned by bench/appsProcess.ts,
 * run by vitest only as the TypeScript runner): real MediaStreamClients, so that what the apps
 * spend parsing JSON and base64 is not counted as the server's CPU, as it would be in-process.
 * Talks to the benchmark over a loopback TCP channel in JSON lines:
 *   in:  {cmd: 'connect', key, serverUrl, roomId, streamId, clientId, clientSecret} | {cmd: 'counts'}
 *   out: {type: 'connected' | 'error' | 'closed', key, ...} | {type: 'onset', key, user, t, ts} | {type: 'counts', frames}
 * Onsets are the beeps of participants whose name starts with ROOMCAST_BENCH_BEEP_PREFIX, stamped
 * with CLOCK_MONOTONIC when the client emits the frame (the app has read it off its socket).
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { test } from 'vitest';
import { MediaStreamClient } from '@roomcast/media-stream-client';
import { LOUD_PCM_RMS, monotonicMs, OnsetDetector, pcmRms } from './beepOnsets.js';

interface ConnectCommand {
  cmd: 'connect';
  key: string;
  serverUrl: string;
  roomId: string;
  streamId: string;
  clientId: string;
  clientSecret: string;
}
type Command = ConnectCommand | { cmd: 'counts' };

const channelPort = Number(process.env.ROOMCAST_BENCH_CHANNEL_PORT ?? 0);
const beepPrefix = process.env.ROOMCAST_BENCH_BEEP_PREFIX ?? 'Beep';

class Apps {
  readonly clients = new Map<string, MediaStreamClient>();
  readonly frames: Record<string, number> = {};

  constructor(readonly channel: Socket) {}

  send(message: object): void {
    if (!this.channel.destroyed) this.channel.write(`${JSON.stringify(message)}\n`);
  }

  handle(command: Command): void {
    if (command.cmd === 'counts') return this.send({ type: 'counts', frames: this.frames });
    this.connect(command).catch((error: Error) => this.send({ type: 'error', key: command.key, message: error.message }));
  }

  async connect(c: ConnectCommand): Promise<void> {
    const client = new MediaStreamClient();
    this.clients.set(c.key, client);
    this.frames[c.key] = 0;
    const detectors = new Map<string, OnsetDetector>();
    client.on('audio', (frame) => {
      const t = monotonicMs();
      this.frames[c.key]!++;
      if (!frame.userName.startsWith(beepPrefix)) return;
      let detector = detectors.get(frame.userName);
      if (!detector) detectors.set(frame.userName, (detector = new OnsetDetector()));
      if (detector.push(pcmRms(frame.data) > LOUD_PCM_RMS, t)) this.send({ type: 'onset', key: c.key, user: frame.userName, t, ts: frame.timestamp });
    });
    client.on('event', (event) => this.send({ type: 'event', key: c.key, event }));
    client.on('close', (info) => this.send({ type: 'closed', key: c.key, reason: info.reason }));
    await client.connect({
      serverUrl: c.serverUrl, roomId: c.roomId, streamId: c.streamId,
      clientId: c.clientId, clientSecret: c.clientSecret, mediaTypes: ['audio'], reconnect: false,
    });
    this.send({ type: 'connected', key: c.key });
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.close().catch(() => undefined)));
  }
}

test('media stream apps (a child of bench/mediaStreams.ts)', async () => {
  if (!channelPort) return; // only bench/appsProcess.ts runs this file
  const channel = tcpConnect(channelPort, '127.0.0.1');
  const apps = new Apps(channel);
  const ended = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  channel.on('error', () => undefined); // the close that follows ends the run
  createInterface({ input: channel }).on('line', (line) => apps.handle(JSON.parse(line) as Command));
  await ended;
  await apps.closeAll();
});
