import { AppError } from '@roomcast/protocol';
import { describe, expect, it } from 'vitest';
import { parseProcStat } from './cpuSampler.js';
import { type NodeInfo, parseNodeInfo, pickEgressNode } from './nodeInfo.js';

const node = (id: string, role: NodeInfo['role'], cpu: number, cores: number, composites = 0): NodeInfo => ({
  id,
  role,
  internal_url: `http://${id}:3000`,
  started_at: '2026-01-01T00:00:00.000Z',
  load: { cpu, cores, rooms: 0, composites },
});

describe('pickEgressNode', () => {
  it('picks the egress-capable node with the most idle cores', () => {
    const nodes = [node('busy', 'egress', 3.5, 4), node('idle', 'egress', 0.5, 2), node('sfu', 'sfu', 0, 64)];
    expect(pickEgressNode(nodes).id).toBe('idle');
  });

  it('counts all-in-one nodes as egress nodes, never sfu nodes', () => {
    expect(pickEgressNode([node('sfu', 'sfu', 0, 8), node('all', 'all', 1, 2)]).id).toBe('all');
  });

  it('spreads composites over the nodes about as roomy as the roomiest, whatever the noise in their CPU samples', () => {
    expect(pickEgressNode([node('a', 'egress', 0.2, 2, 1), node('b', 'egress', 0.6, 2, 0)]).id).toBe('b');
    // Two nodes on one busy machine: samples 1.9 and 1.5 of the same load.
    expect(pickEgressNode([node('a', 'egress', 1.5, 2, 1), node('b', 'egress', 1.9, 2, 0)]).id).toBe('b');
    // Per core: 2 on 8 cores is lighter than 1 on 2.
    expect(pickEgressNode([node('small', 'egress', 0, 2, 1), node('big', 'egress', 0, 8, 2)]).id).toBe('big');
  });

  it('counts composites placed since the last heartbeat', () => {
    const nodes = [node('a', 'egress', 0.2, 2), node('b', 'egress', 0.3, 2)];
    expect(pickEgressNode(nodes).id).toBe('a');
    expect(pickEgressNode(nodes, new Map([['a', 1]])).id).toBe('b');
  });

  it('passes over a node with clearly fewer idle cores, however few composites it has', () => {
    expect(pickEgressNode([node('full', 'egress', 1.8, 2, 0), node('other', 'egress', 1, 2, 3)]).id).toBe('other');
    expect(pickEgressNode([node('a', 'egress', 1.9, 2, 0), node('b', 'egress', 1.7, 2, 0)]).id).toBe('b');
  });

  it('breaks a tie by the most idle cores, then by id', () => {
    expect(pickEgressNode([node('a', 'egress', 1, 2, 1), node('b', 'egress', 0.5, 2, 1)]).id).toBe('b');
    expect(pickEgressNode([node('b', 'egress', 1, 2), node('a', 'egress', 1, 2)]).id).toBe('a');
  });

  it('throws a coded 503 when no egress node is live', () => {
    const error = (() => {
      try {
        pickEgressNode([node('sfu', 'sfu', 0, 8)]);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(503);
  });
});

describe('parseNodeInfo', () => {
  it('reads what a node writes and drops anything else', () => {
    const info = node('n1', 'sfu', 0.25, 2);
    expect(parseNodeInfo(JSON.stringify(info))).toEqual(info);
    expect(parseNodeInfo('{"id":"x"}')).toBeUndefined();
    expect(parseNodeInfo('not json')).toBeUndefined();
    expect(parseNodeInfo(JSON.stringify({ ...info, role: 'boss' }))).toBeUndefined();
  });
});

describe('parseProcStat', () => {
  it('sums the machine-wide cpu line, idle and iowait apart', () => {
    const text = 'cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 50 2 25 400 10 1 1 0 0 0\n';
    expect(parseProcStat(text)).toEqual({ busy: 160, total: 980 });
  });

  it('refuses a file that is not /proc/stat', () => {
    expect(parseProcStat('intr 1 2 3')).toBeUndefined();
    expect(parseProcStat('cpu a b c d')).toBeUndefined();
  });
});
