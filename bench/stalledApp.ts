import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { signHandshake } from '@roomcast/media-stream-client';
import type { AppCredentials } from './appsProcess.js';

type Message = { msg_type: number } & Record<string, unknown>;

/** The TCP socket under a `ws` WebSocket (not in ws's types): pausing it stops reading at the kernel. */
const tcpOf = (ws: WebSocket): Socket => (ws as unknown as { _socket: Socket })._socket;

/**
 * An RTMS app written against the raw protocol with `ws`, that can stop reading its media socket
 * (`stall()`: the TCP socket is paused, so the kernel's buffers fill and the server's send path
 * backs up) while its signaling socket keeps answering keep-alives. Counts what it receives.
 */
export class StalledApp {
  bytes = 0;
  frames = 0;
  readonly droppedEvents: Array<Record<string, unknown>> = [];
  mediaCloseCode: number | undefined;

  private constructor(
    readonly signaling: WebSocket,
    readonly media: WebSocket,
  ) {
    media.on('message', (data: Buffer, isBinary) => {
      this.bytes += data.length;
      if (isBinary) return void this.frames++;
      const message = JSON.parse(data.toString('utf8')) as Message;
      if (message.msg_type === 14) this.frames++;
      else if (message.msg_type === 12) media.send(JSON.stringify({ msg_type: 13, timestamp: message.timestamp }));
      else if (message.msg_type === 6) {
        const event = message.event as Record<string, unknown> | undefined;
        if (event?.event_type === 'media_dropped') this.droppedEvents.push(event);
      }
    });
    media.once('close', (code) => (this.mediaCloseCode = code));
  }

  static async connect(c: AppCredentials): Promise<StalledApp> {
    const ids = { room_id: c.roomId, stream_id: c.streamId, signature: signHandshake(c.clientId, c.clientSecret, c.roomId, c.streamId) };
    const signaling = await open(c.serverUrl);
    answerKeepAlives(signaling);
    const reply = await request(signaling, { msg_type: 1, ...ids }, 2);
    const url = (reply.media_server as { server_urls?: { all?: string } } | undefined)?.server_urls?.all;
    if (reply.status_code !== 0 || !url) throw new Error(`signaling handshake refused: ${String(reply.reason)}`);
    const media = await open(url);
    const mediaReply = await request(media, { msg_type: 3, ...ids, media_type: 1, payload_encryption: false }, 4);
    if (mediaReply.status_code !== 0) throw new Error(`media handshake refused: ${String(mediaReply.reason)}`);
    const app = new StalledApp(signaling, media);
    media.send(JSON.stringify({ msg_type: 7 }));
    return app;
  }

  /** The local port of the media socket (to find the connection in `ss`). */
  get mediaLocalPort(): number | undefined {
    return tcpOf(this.media).localPort;
  }

  stall(): void {
    tcpOf(this.media).pause();
  }

  resume(): void {
    tcpOf(this.media).resume();
  }

  close(): void {
    this.signaling.terminate();
    this.media.terminate();
  }
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    // After the handshake a socket error only ends it ('close' follows): nothing to crash on.
    ws.on('error', () => undefined);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function request(ws: WebSocket, message: object, replyType: number): Promise<Message> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: Buffer) => {
      const reply = JSON.parse(data.toString('utf8')) as Message;
      if (reply.msg_type !== replyType) return;
      ws.off('message', onMessage);
      resolve(reply);
    };
    ws.on('message', onMessage);
    ws.once('close', (code) => reject(new Error(`socket closed (${code}) before msg_type ${replyType}`)));
    ws.send(JSON.stringify(message));
  });
}

function answerKeepAlives(ws: WebSocket): void {
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString('utf8')) as Message;
    if (message.msg_type === 12) ws.send(JSON.stringify({ msg_type: 13, timestamp: message.timestamp }));
  });
}
