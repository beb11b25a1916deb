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

/** Free cores a node needs to take a composite at once; one short of them takes one only when all are. */
export const MIN_FREE_CORES = 0.5;
/** What a composite placed since the node's last heartbeat is reckoned to cost until its load shows it. */
export const PENDING_COMPOSITE_CORES = 0.5;

/**
 * Where a new egress job goes (issue 13, Deliver 4), as LiveKit's egress does: a CPU gate, then
 * spread. Among the egress-capable nodes with at least MIN_FREE_CORES idle (all of them when none
 * has), the fewest composites per core, then the most idle cores, then by id (so every node picks
 * the same one from the same view). Composites before CPU: a node's CPU figure is one sample of
 * its machine, noisy (and the same for nodes that share one), while each composite is a known
 * unit of work. `pending` counts composites placed on a node that its heartbeat does not show yet.
 */
export function pickEgressNode(nodes: Iterable<NodeInfo>, pending: ReadonlyMap<string, number> = new Map()): NodeInfo {
  const waiting = (n: NodeInfo): number => pending.get(n.id) ?? 0;
  const free = (n: NodeInfo): number => n.load.cores - n.load.cpu - waiting(n) * PENDING_COMPOSITE_CORES;
  const perCore = (n: NodeInfo): number => (n.load.composites + waiting(n)) / n.load.cores;
  const capable = [...nodes].filter(canEgress);
  const roomy = capable.filter((n) => free(n) >= MIN_FREE_CORES);
  const candidates = (roomy.length > 0 ? roomy : capable).sort(
    (a, b) => perCore(a) - perCore(b) || free(b) - free(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const best = candidates[0];
  if (!best) throw new AppError('service_unavailable', 'no live egress node');
  return best;
}

export const defaultCores = (): number => os.availableParallelism();
