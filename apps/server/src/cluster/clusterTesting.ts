import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { NodeRole } from '@roomcast/protocol';
import { createRedisClient } from '../webhooks/redisClient.js';
import { NodeRegistry } from './NodeRegistry.js';
import { RoomPlacement } from './RoomPlacement.js';

/** A node as a test drives it: its own Redis connection (as a separate process would have), its registry and placement. */
export interface TestNode {
  redis: Redis;
  registry: NodeRegistry;
  placement: RoomPlacement;
  load: { rooms: number; composites: number; cpu: number };
  /** Deregisters and disconnects. */
  close(): Promise<void>;
}

export interface TestCluster {
  prefix: string;
  /** Every line the nodes' Redis clients logged (to check no credential is in them). */
  logs: string[];
  node(id: string, role: NodeRole, load?: Partial<TestNode['load']> & { cores?: number }): Promise<TestNode>;
  closeAll(): Promise<void>;
}

/** Nodes sharing one Redis under a prefix of their own (unless given), so tests never see each other's nodes. */
export function testCluster(redisUrl: string, { prefix = `test-${randomBytes(4).toString('hex')}` }: { prefix?: string } = {}): TestCluster {
  const logs: string[] = [];
  const log = {
    info: (object: object, message: string) => void logs.push(JSON.stringify({ ...object, message })),
    warn: (object: object, message: string) => void logs.push(JSON.stringify({ ...object, message })),
  };
  const nodes: TestNode[] = [];
  return {
    prefix,
    logs,
    async node(id, role, { cores = 2, ...load } = {}) {
      const redis = createRedisClient(redisUrl, log);
      await new Promise((resolve) => redis.once('ready', resolve));
      const state = { rooms: 0, composites: 0, cpu: 0, ...load };
      const registry = new NodeRegistry({
        redis,
        id,
        role,
        internalUrl: `http://${id}.internal:3000`,
        prefix,
        cores,
        cpu: () => state.cpu,
        load: () => ({ rooms: state.rooms, composites: state.composites }),
      });
      const placement = new RoomPlacement(registry, redis);
      const node: TestNode = {
        redis,
        registry,
        placement,
        load: state,
        close: async () => {
          await placement.close();
          await registry.close();
          redis.disconnect();
        },
      };
      nodes.push(node);
      return node;
    },
    async closeAll() {
      await Promise.all(nodes.splice(0).map((node) => node.close()));
    },
  };
}

/** What an operation threw (undefined if it did not). */
export async function thrown(operation: () => unknown): Promise<unknown> {
  try {
    await operation();
  } catch (error) {
    return error;
  }
  return undefined;
}
