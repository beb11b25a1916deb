import type { MessagePipe } from '@roomcast/egress';
import WebSocket from 'ws';

/**
 * A MessagePipe over a WebSocket between nodes: JSON text frames (what crosses is plain data: room
 * snapshots, RTP parameters, egress states, coded errors). Made as soon as the socket is, it holds
 * what arrives before anyone listens (the peer may speak in the same packet as the handshake).
 */
export function wsPipe(socket: WebSocket): MessagePipe {
  const listeners = new Set<(message: unknown) => void>();
  let early: unknown[] | undefined = [];
  socket.on('message', (data) => {
    let message: unknown;
    try {
      message = JSON.parse(String(data));
    } catch {
      return; // Not ours: the peer speaks only JSON.
    }
    if (early) early.push(message);
    else for (const listener of [...listeners]) listener(message);
  });
  return {
    post: (message) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    },
    on: (listener) => {
      listeners.add(listener);
      // Everyone who listens does so in the same tick (the feed and the commands): then the early ones go out to all.
      if (early && listeners.size === 1) {
        setImmediate(() => {
          const held = early ?? [];
          early = undefined;
          for (const message of held) for (const each of [...listeners]) each(message);
        });
      }
    },
    off: (listener) => {
      listeners.delete(listener);
    },
  };
}
