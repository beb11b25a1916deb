import { AppError } from '@roomcast/protocol';
import WebSocket from 'ws';
import type { NodeRegistry } from '../cluster/NodeRegistry.js';
import type { EgressConnector } from './EgressLink.js';
import { internalToken } from './internalAuth.js';
import { INTERNAL_EGRESS_PATH, SFU_ORIGIN_HEADER } from './startEgressRole.js';
import { wsPipe } from './wsPipe.js';

/**
 * ROOMCAST_ROLE=sfu: each endpoint is one egress node of the registry (`nodeId`), reached over a
 * socket with the internal token at the URL its registry entry gives now (a node restarted on
 * another port is found again). A node missing from the registry is not reachable (yet).
 */
export function nodeConnector(options: { registry: () => NodeRegistry | undefined; apiSecret: string; nodeId: string }): EgressConnector {
  return async () => {
    const registry = options.registry();
    if (!registry) throw new AppError('cluster_unavailable', 'the cluster registry is not running');
    const node = registry.nodes('egress').find((candidate) => candidate.id === options.nodeId);
    if (!node) throw new AppError('service_unavailable', `egress node ${options.nodeId} is not in the registry`);
    const socket = new WebSocket(`${node.internal_url.replace(/^http/, 'ws')}${INTERNAL_EGRESS_PATH}`, {
      // Its rooms' web layout pages load from this node, and their recorders join here.
      headers: { authorization: `Bearer ${internalToken(options.apiSecret)}`, [SFU_ORIGIN_HEADER]: registry.internalUrl },
      perMessageDeflate: false,
    });
    const pipe = wsPipe(socket);
    const gone = new Promise<string>((resolve) => {
      socket.once('close', (code) => resolve(`egress node ${node.id} disconnected (${code})`));
      socket.once('error', () => undefined);
    });
    const ready = new Promise<string>((resolve, reject) => {
      socket.once('open', () => resolve(node.internal_url));
      void gone.then(reject);
    });
    await ready;
    return {
      pipe,
      ready,
      gone,
      nodeId: node.id,
      stop: async () => {
        socket.close(1000, 'the SFU node stops');
        await gone;
      },
    };
  };
}
