import os from 'node:os';
import { z } from 'zod';
import { AppError, NodeRoleSchema } from '@roomcast/protocol';

/** What every node writes under `roomcast:node:<id>` (JSON) on each heartbeat. */
export const NodeInfoSchema = z.object({
  id: z.string().min(1),
  role: NodeRoleSchema,
  internal_url: z.string().min(1),
  started_at: z.string(),
  load: z.object({
    /** Busy cores of the machine, 0..cores. */
    cpu: z.number().min(0),
    cores: z.number().int().min(1),
    rooms: z.number().int().min(0),
    composites: z.number().int().min(0),
  }),
});
export type NodeInfo = z.infer<typeof NodeInfoSchema>;
export type NodeLoad = NodeInfo['load'];

/** A node's JSON as read from Redis; undefined when something else (another version, a person) wrote it. */
export function parseNodeInfo(raw: string): NodeInfo | undefined {
  try {
    const parsed = NodeInfoSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function canEgress(node: NodeInfo): boolean {
  return node.role === 'egress' || node.role === 'all';
}

/**
 * The egress-capable node with the most idle cores, then the fewest composites (then by id, so
 * every node picks the same one from the same view).
 */
export function pickEgressNode(nodes: Iterable<NodeInfo>): NodeInfo {
  const headroom = (n: NodeInfo): number => n.load.cores - n.load.cpu;
  const candidates = [...nodes].filter(canEgress).sort(
    (a, b) => headroom(b) - headroom(a) || a.load.composites - b.load.composites || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const best = candidates[0];
  if (!best) throw new AppError('service_unavailable', 'no live egress node');
  return best;
}

export const defaultCores = (): number => os.availableParallelism();
