import type { FastifyBaseLogger } from 'fastify';
import WebSocket, { type RawData } from 'ws';

/** Past this many bytes queued towards the app, reading from the egress pauses (its own send queue then drops). */
const HIGH_WATER_BYTES = 512 * 1024;

/**
 * Passes a socket through to the same path on another process (an app's to the egress, a
 * participant's to the SFU node that hosts its room), both ways, frames as
 * they are (text or binary) — ws does the protocol; this only wires the two and their closes.
 * Backpressure carries over: while the app is slow, the egress socket is not read, so the
 * egress's bounded send queue (rtms/SendQueue) decides what to drop, as it does for a direct app.
 */
export function pipeSocketTo(
  client: WebSocket, url: string, host: string | undefined, log: FastifyBaseLogger,
  headers: Record<string, string> = {},
  /** What the client sent before the pipe was made (read to choose `url`): sent first. */
  received: Array<{ data: RawData; binary: boolean }> = [],
): void {
  const upstream = new WebSocket(url, { headers: { ...headers, ...(host ? { host } : {}) }, perMessageDeflate: false });
  const pending: Array<{ data: RawData; binary: boolean }> = [...received];
  const closeBoth = (code: number, reason: string): void => {
    for (const socket of [client, upstream]) {
      if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
      else if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    }
  };
  client.on('message', (data, binary) => {
    if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
    else pending.push({ data, binary });
  });
  upstream.on('open', () => {
    for (const { data, binary } of pending.splice(0)) upstream.send(data, { binary });
  });
  upstream.on('message', (data, binary) => {
    if (client.readyState !== WebSocket.OPEN) return;
    client.send(data, { binary });
    if (client.bufferedAmount > HIGH_WATER_BYTES) pauseUntilDrained(upstream, client);
  });
  client.on('close', (code, reason) => closeBoth(validCode(code), reason.toString()));
  upstream.on('close', (code, reason) => closeBoth(validCode(code), reason.toString()));
  client.on('error', () => closeBoth(1011, 'socket error'));
  upstream.on('error', (error) => {
    log.warn({ err: error }, 'egress socket failed');
    closeBoth(1011, 'egress unavailable');
  });
}

function pauseUntilDrained(upstream: WebSocket, client: WebSocket): void {
  if (upstream.isPaused) return;
  upstream.pause();
  const check = setInterval(() => {
    if (client.readyState !== WebSocket.OPEN || client.bufferedAmount <= HIGH_WATER_BYTES / 2) {
      clearInterval(check);
      upstream.resume();
    }
  }, 20);
}

/** Close codes a peer may not send (1005 "no status", 1006 "abnormal") become a plain 1000/1011. */
function validCode(code: number): number {
  if (code === 1005) return 1000;
  if (code === 1006 || code < 1000) return 1011;
  return code;
}
