import type { NodeRole } from '@roomcast/protocol';
import { Gauge, type Registry } from 'prom-client';
import type { NodeRegistry } from './NodeRegistry.js';

export type ClusterState = 'off' | 'up' | 'down';

const ROLES: readonly NodeRole[] = ['all', 'sfu', 'egress'];

/**
 * What `/healthz` and `/metrics` say about the cluster. It exists before the registry (the app is
 * built before the server listens, and the registry needs the port), which is attached once made.
 */
export class ClusterStatus {
  #registry: NodeRegistry | undefined;

  /** `clustered`: REDIS_URL is set, so this node belongs to a cluster (down until it registers). */
  constructor(
    readonly role: NodeRole,
    readonly clustered: boolean,
  ) {}

  attach(registry: NodeRegistry): void {
    this.#registry = registry;
  }

  get state(): ClusterState {
    if (!this.clustered) return 'off';
    return this.#registry?.available ? 'up' : 'down';
  }

  /** Live nodes per role as last seen; undefined without a cluster. */
  nodeCounts(): Record<NodeRole, number> | undefined {
    const registry = this.#registry;
    if (!registry) return undefined;
    const counts: Record<NodeRole, number> = { all: 0, sfu: 0, egress: 0 };
    for (const node of registry.nodes()) counts[node.role] += 1;
    return counts;
  }
}

/** `roomcast_cluster_nodes{role}`: live nodes of each role in the registry (no samples without a cluster). */
export function registerClusterMetrics(registry: Registry, cluster: ClusterStatus): void {
  new Gauge({
    name: 'roomcast_cluster_nodes',
    help: 'Live cluster nodes by role, as this node last saw them in Redis',
    labelNames: ['role'],
    registers: [registry],
    collect() {
      this.reset();
      const counts = cluster.nodeCounts();
      if (!counts) return;
      for (const role of ROLES) this.set({ role }, counts[role]);
    },
  });
}
