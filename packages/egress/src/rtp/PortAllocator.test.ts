import { describe, expect, it } from 'vitest';
import { boundUdpPorts, boundUdpSockets } from './PortAllocator.js';

describe('boundUdpPorts', () => {
  it('reads the local ports of /proc/net/udp', () => {
    const table = [
      '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
      '  123: 0100007F:C350 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 0000000000000000 0',
      '  124: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 0000000000000000 0',
      '',
    ].join('\n');
    expect([...boundUdpPorts(table)]).toEqual([50000, 68]);
    expect(boundUdpSockets(table)).toEqual([
      { address: '127.0.0.1', port: 50000 },
      { address: '0.0.0.0', port: 68 },
    ]);
  });
});
