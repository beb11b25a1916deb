import type { ChildProcess } from 'node:child_process';
import type { MessagePipe } from '@roomcast/egress';

/** The IPC channel to a forked child (structured clone with `serialization: 'advanced'`). */
export function childPipe(child: ChildProcess): MessagePipe {
  return {
    post: (message) => {
      // A child that has just died: the message is lost with it (its restart starts afresh).
      if (child.connected) child.send(message as object, undefined, undefined, () => undefined);
    },
    on: (listener) => child.on('message', listener),
    off: (listener) => child.off('message', listener),
  };
}

/** This process's IPC channel to its parent. */
export function parentPipe(): MessagePipe {
  return {
    post: (message) => {
      if (process.connected) process.send?.(message as object, undefined, undefined, () => undefined);
    },
    on: (listener) => process.on('message', listener),
    off: (listener) => process.off('message', listener),
  };
}
