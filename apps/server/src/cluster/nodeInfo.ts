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

/** Nodes this close to the roomiest in idle cores count as just as roomy (a CPU figure is a noisy sample). */
export const CPU_NOISE_CORES = 0.5;
/** What a composite placed since the node's last heartbeat is reckoned to cost until its load shows it. */
export const PENDING_COMPOSITE_CORES = 0.5;

/**
 * Where a new egress job goes (issue 13, Deliver 4), as LiveKit's egress does: a CPU gate, then
 * spread. Among the egress-capable nodes whose idle cores are within CPU_NOISE_CORES of the
 * roomiest one's, the fewest composites per core, then the most idle cores, then by id (so every
 * node picks the same one from the same view). Composites decide among those: each is a known unit
 * of work, while a node's CPU figure is a sample of its machine (the same machine, for nodes that
 * share one). `pending` counts composites placed on a node that its heartbeat does not show yet.
 */
export function pickEgressNode(nodes: Iterable<NodeInfo>, pending: ReadonlyMap<string, number> = new Map()): NodeInfo {
  const waiting = (n: NodeInfo): number => pending.get(n.id) ?? 0;
  const free = (n: NodeInfo): number => n.load.cores - n.load.cpu - waiting(n) * PENDING_COMPOSITE_CORES;
  const perCore = (n: NodeInfo): number => (n.load.composites + waiting(n)) / n.load.cores;
  const capable = [...nodes].filter(canEgress);
  const roomiest = Math.max(...capable.map(free));
  const candidates = capable.filter((n) => free(n) >= roomiest - CPU_NOISE_CORES).sort(
    (a, b) => perCore(a) - perCore(b) || free(b) - free(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const best = candidates[0];
  if (!best) throw new AppError('service_unavailable', 'no live egress node');
  return best;
}

export const defaultCores = (): number => os.availableParallelism();
