import { localEgressCommands, mirrorRoomFeed, serveEgressCommands } from '@roomcast/egress';
import { ConfigError, loadConfig } from '../config.js';
import { installCrashGuards } from '../crashGuards.js';
import { type EgressChildMessage, EGRESS_CHILD_READY } from './egressChildMessages.js';
import { parentPipe } from './processPipe.js';
import { startEgressNode } from './startEgressNode.js';

/**
 * The egress in its own process (EGRESS_PROCESS=child, forked by the SFU's EgressLink (childConnector)): rooms come
 * over the IPC room feed, commands over IPC RPC, HTTP forwarded to its loopback port. A fault here
 * (an FFmpeg, the compositor, a bug) ends this process only; the SFU restarts it.
 */
async function main(): Promise<void> {
  const sfuPort = Number(process.argv[2]);
  if (!Number.isInteger(sfuPort) || sfuPort <= 0 || !process.send) throw new Error('egressProcessMain is started by the SFU (childConnector), not by hand');
  const config = loadConfig();
  const pipe = parentPipe();
  const feed = mirrorRoomFeed(pipe);
  await feed.ready;
  const node = await startEgressNode({
    config,
    rooms: feed.directory,
    notify: { event: (room, type, data) => void feed.sfu.egressEvent(room, type, data).catch(() => undefined) },
    sfuPort,
  });
  installCrashGuards(node.app.log);
  serveEgressCommands(pipe, localEgressCommands(node.egress));
  const stop = (): void => {
    node.close().finally(() => process.exit(0));
  };
  // The SFU asks (a clean stop: destinations see the end of stream), or it is gone (IPC closed).
  process.on('message', (message: EgressChildMessage) => {
    if (message?.type === 'egress-shutdown') stop();
  });
  process.once('disconnect', stop);
  process.once('SIGTERM', stop);
  pipe.post({ type: EGRESS_CHILD_READY, url: node.url } satisfies EgressChildMessage);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
