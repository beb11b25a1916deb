import { existsSync } from 'node:fs';
import type * as MediasoupModule from 'mediasoup';

export type Mediasoup = Pick<typeof MediasoupModule, 'createWorker' | 'getSupportedRtpCapabilities' | 'version'>;
export type { types as ms } from 'mediasoup';

/** Where Debian's `mediasoup-worker` package installs the worker (`dpkg -L mediasoup-worker`). */
const DEBIAN_WORKER_PATHS = [
  '/usr/lib/x86_64-linux-gnu/mediasoup/mediasoup-worker',
  '/usr/lib/aarch64-linux-gnu/mediasoup/mediasoup-worker',
];

export function resolveWorkerBin(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.MEDIASOUP_WORKER_BIN;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`MEDIASOUP_WORKER_BIN=${configured} does not exist`);
    return configured;
  }
  const found = DEBIAN_WORKER_PATHS.find((path) => existsSync(path));
  if (!found) {
    throw new Error('no mediasoup worker: install Debian\'s mediasoup-worker (scripts/setup.sh) or set MEDIASOUP_WORKER_BIN');
  }
  return found;
}

let loaded: Promise<Mediasoup> | undefined;

/**
 * mediasoup 3.8.4 reads MEDIASOUP_WORKER_BIN once, when its module is first evaluated, so the
 * variable is set here and the module imported dynamically afterwards. Every import of mediasoup's
 * runtime goes through this function.
 */
export function loadMediasoup(): Promise<Mediasoup> {
  loaded ??= (async () => {
    process.env.MEDIASOUP_WORKER_BIN = resolveWorkerBin();
    const mod = await import('mediasoup');
    return mod.default as Mediasoup;
  })();
  return loaded;
}
