import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { defaultInternalUrl } from './clusterConfig.js';
import type { ClusterStatus } from './ClusterStatus.js';
import { NodeRegistry } from './NodeRegistry.js';
import { RoomPlacement } from './RoomPlacement.js';

export interface Cluster {
  registry: NodeRegistry;
  placement: RoomPlacement;
  /** Releases this node's rooms and removes its registry entry (the others see it leave at once). */
  close(): Promise<void>;
}

interface ClusterWiring {
  redis: Redis;
  status: ClusterStatus;
  /** The port the server listens on (PORT=0 picks one), for the default INTERNAL_URL. */
  port: number;
  load: () => { rooms: number; composites: number };
  log: { info(object: object, message: string): void; warn(object: object, message: string): void };
}

/** Registers this node (any role) once the server listens; what other nodes see of it. */
export function startCluster(config: Config, wiring: ClusterWiring): Cluster {
  const registry = new NodeRegistry({
    redis: wiring.redis,
    id: config.cluster.nodeId,
    role: config.cluster.role,
    internalUrl: config.cluster.internalUrl ?? defaultInternalUrl(config.host, wiring.port),
    load: wiring.load,
  });
  const placement = new RoomPlacement(registry, wiring.redis);
  wiring.status.attach(registry);
  // Ids, roles and URLs only: nothing here holds a credential.
  registry.on('nodeJoined', (node) => wiring.log.info({ node: node.id, role: node.role, url: node.internal_url }, 'cluster node joined'));
  registry.on('nodeLost', (node) => wiring.log.warn({ node: node.id, role: node.role }, 'cluster node lost'));
  registry.on('availability', (up) => {
    if (up) wiring.log.info({ node: registry.id, role: registry.role }, 'registered in the cluster');
  });
  placement.on('roomLost', (room, owner) => wiring.log.warn({ room, owner }, 'room taken over by another node'));
  return {
    registry,
    placement,
    close: async () => {
      await placement.close();
      await registry.close();
    },
  };
}
