import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EGRESS_CHILD_READY, type EgressChildMessage } from './egressChildMessages.js';
import type { EgressConnector } from './EgressLink.js';
import { childPipe } from './processPipe.js';

/** The built entry beside this module; run from source (the tests import src/), the build's copy. */
function entryPath(): string {
  const beside = fileURLToPath(new URL('./egressProcessMain.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../dist/egressNode/egressProcessMain.js', import.meta.url));
}

/**
 * EGRESS_PROCESS=child: each endpoint is a forked egress process (egressProcessMain) whose IPC
 * channel carries the room feed and the commands; it says where it serves HTTP once ready.
 */
export function childConnector(options: { sfuPort: () => number; env: NodeJS.ProcessEnv }): EgressConnector {
  return async () => {
    const child = fork(entryPath(), [String(options.sfuPort())], {
      env: options.env,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const pipe = childPipe(child);
    const gone = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => resolve(`egress process exited (${signal ?? `code ${String(code)}`})`));
      child.once('error', (error) => resolve(`egress process failed: ${error.message}`));
    });
    const ready = new Promise<string>((resolve, reject) => {
      const onMessage = (message: EgressChildMessage): void => {
        if (message?.type !== EGRESS_CHILD_READY) return;
        child.off('message', onMessage);
        resolve(message.url);
      };
      child.on('message', onMessage);
      void gone.then(reject);
    });
    const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
    return {
      pipe,
      ready,
      gone,
      pid: child.pid,
      stop: async (graceMs) => {
        if (exited()) return;
        pipe.post({ type: 'egress-shutdown' } satisfies EgressChildMessage);
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await gone;
        clearTimeout(killer);
      },
    };
  };
}
