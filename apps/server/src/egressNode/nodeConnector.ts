import { AppError } from '@roomcast/protocol';
import WebSocket from 'ws';
import type { NodeRegistry } from '../cluster/NodeRegistry.js';
import { pickEgressNode } from '../cluster/nodeInfo.js';
import type { EgressConnector } from './EgressLink.js';
import { internalToken } from './internalAuth.js';
import { INTERNAL_EGRESS_PATH, SFU_ORIGIN_HEADER } from './startEgressRole.js';
import { wsPipe } from './wsPipe.js';

/** A node just lost is passed over this long (its registry entry outlives it by up to its TTL). */
const SKIP_LOST_MS = 10_000;

/**
 * ROOMCAST_ROLE=sfu: each endpoint is the egress node with the most headroom in the registry,
 * reached over a socket with the internal token. A node that drops is passed over for a while, so
 * the next pick is another live one.
 */
export function nodeConnector(options: { registry: () => NodeRegistry | undefined; apiSecret: string }): EgressConnector {
  const lost = new Map<string, number>();
  return async () => {
    const registry = options.registry();
    if (!registry) throw new AppError('cluster_unavailable', 'the cluster registry is not running');
    const now = Date.now();
    const candidates = registry.nodes('egress').filter((node) => (lost.get(node.id) ?? 0) < now);
    const node = pickEgressNode(candidates);
    const socket = new WebSocket(`${node.internal_url.replace(/^http/, 'ws')}${INTERNAL_EGRESS_PATH}`, {
      // Its rooms' web layout pages load from this node, and their recorders join here.
      headers: { authorization: `Bearer ${internalToken(options.apiSecret)}`, [SFU_ORIGIN_HEADER]: registry.internalUrl },
      perMessageDeflate: false,
    });
    const pipe = wsPipe(socket);
    const gone = new Promise<string>((resolve) => {
      socket.once('close', (code) => {
        lost.set(node.id, Date.now() + SKIP_LOST_MS);
        resolve(`egress node ${node.id} disconnected (${code})`);
      });
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
