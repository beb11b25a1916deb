import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { NodeRole } from '@roomcast/protocol';

export interface ClusterConfig {
  role: NodeRole;
  nodeId: string;
  /** INTERNAL_URL when set; otherwise the server uses `defaultInternalUrl` once it knows its port. */
  internalUrl?: string;
}

interface ClusterEnv {
  ROOMCAST_ROLE: NodeRole;
  NODE_ID?: string;
  INTERNAL_URL?: string;
  REDIS_URL?: string;
}

/** `sfu` and `egress` nodes only exist as parts of a cluster, which Redis holds together. */
export function clusterConfig(e: ClusterEnv, fail: (message: string) => Error): ClusterConfig {
  if (e.ROOMCAST_ROLE !== 'all' && e.REDIS_URL === undefined) {
    throw fail(`ROOMCAST_ROLE=${e.ROOMCAST_ROLE} needs REDIS_URL (nodes find each other through Redis); without Redis use ROOMCAST_ROLE=all`);
  }
  return { role: e.ROOMCAST_ROLE, nodeId: e.NODE_ID ?? defaultNodeId(), internalUrl: e.INTERNAL_URL };
}

/** Unique per process even when several nodes share a host (pid) or a pid is reused after a restart (random). */
export function defaultNodeId(): string {
  const host = os.hostname().replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 40) || 'node';
  return `${host}-${process.pid}-${randomBytes(2).toString('hex')}`;
}

/** `http://HOST:PORT`; a wildcard HOST (0.0.0.0, ::) is no address another node can dial, so the hostname stands in. */
export function defaultInternalUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' || host === '' ? os.hostname() : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
