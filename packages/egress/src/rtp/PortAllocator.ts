import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import os from 'node:os';

export interface RtpReceiveOptions {
  /** Ask the SFU for SRTP on every tap into these ports (EGRESS_RTP_SRTP). */
  srtp?: boolean;
  /** Where decoders bind (EGRESS_RTP_LISTEN_IP): default loopback. */
  listenIp?: string;
  /** Where the SFU sends (EGRESS_RTP_ANNOUNCED_IP): default the listen address (loopback for 0.0.0.0). */
  announcedIp?: string;
}

/**
 * Hands out even/odd UDP port pairs (RTP, RTCP) for FFmpeg to receive on, from a configured
 * range, skipping ports something else holds, and says where the SFU is to send to them.
 */
export class PortAllocator {
  readonly #used = new Set<number>();
  #next: number;
  readonly srtp: boolean;
  readonly listenIp: string;
  readonly announcedIp: string;

  constructor(
    readonly min: number,
    readonly max: number,
    options: RtpReceiveOptions = {},
  ) {
    this.#next = min + (min % 2);
    this.srtp = options.srtp === true;
    this.listenIp = options.listenIp ?? '127.0.0.1';
    this.announcedIp = options.announcedIp ?? (this.listenIp === '0.0.0.0' ? '127.0.0.1' : this.listenIp);
  }

  async allocate(): Promise<number> {
    const pairs = Math.floor((this.max - this.min) / 2);
    for (let i = 0; i < pairs; i++) {
      const port = this.#advance();
      if (this.#used.has(port)) continue;
      if ((await isFree(port, this.listenIp)) && (await isFree(port + 1, this.listenIp))) {
        this.#used.add(port);
        return port;
      }
    }
    throw new Error(`no free UDP port pair in ${this.min}-${this.max}`);
  }

  release(port: number): void {
    this.#used.delete(port);
  }

  #advance(): number {
    const port = this.#next;
    this.#next += 2;
    if (this.#next + 1 > this.max) this.#next = this.min + (this.min % 2);
    return port;
  }
}

function isFree(port: number, ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, ip, () => socket.close(() => resolve(true)));
  });
}

interface PortWaiter {
  port: number;
  deadline: number;
  isCancelled: () => boolean;
  resolve: (bound: boolean) => void;
}

const waiters = new Set<PortWaiter>();
let polling = false;

/**
 * Waits until some process has bound UDP `port` (on any address), by reading /proc/net/udp: FFmpeg says
 * nothing when its RTP socket is ready, and RTP sent before that is lost (keyframe included).
 * A broadcast starts a dozen decoders at once, so one loop reads the table for all of them.
 */
export function waitForUdpListener(port: number, timeoutMs: number, isCancelled: () => boolean = () => false): Promise<boolean> {
  return new Promise((resolve) => {
    waiters.add({ port, deadline: Date.now() + timeoutMs, isCancelled, resolve });
    if (!polling) void pollBoundPorts();
  });
}

async function pollBoundPorts(): Promise<void> {
  polling = true;
  while (waiters.size > 0) {
    const bound = boundUdpPorts(await readFile('/proc/net/udp', 'utf8').catch(() => ''));
    const now = Date.now();
    for (const waiter of waiters) {
      const done = bound.has(waiter.port) || waiter.isCancelled() || now >= waiter.deadline;
      if (!done) continue;
      waiters.delete(waiter);
      waiter.resolve(bound.has(waiter.port));
    }
    if (waiters.size > 0) await new Promise((r) => setTimeout(r, 15));
  }
  polling = false;
}

/** Local ports in a /proc/net/udp table (`sl local_address rem_address ...`, address as HEXIP:HEXPORT). */
export function boundUdpPorts(table: string): Set<number> {
  return new Set(boundUdpSockets(table).map((socket) => socket.port));
}

export interface BoundUdpSocket {
  /** Dotted IPv4 (`127.0.0.1`, `0.0.0.0` for any), or the 32 hex digits of an IPv6 address. */
  address: string;
  port: number;
}

/**
 * Local address and port of every socket in a /proc/net/udp or /proc/net/udp6 table. IPv4
 * addresses there are the 32-bit value in host order, hex: `0100007F` is 127.0.0.1 on x86.
 */
export function boundUdpSockets(table: string): BoundUdpSocket[] {
  const sockets: BoundUdpSocket[] = [];
  for (const line of table.split('\n').slice(1)) {
    const [hexAddress, hexPort] = line.trim().split(/\s+/)[1]?.split(':') ?? [];
    if (!hexAddress || !hexPort) continue;
    sockets.push({ address: hexAddress.length === 8 ? ipv4FromProc(hexAddress) : hexAddress, port: Number.parseInt(hexPort, 16) });
  }
  return sockets;
}

function ipv4FromProc(hex: string): string {
  const value = Number.parseInt(hex, 16);
  const bytes = [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
  return (os.endianness() === 'LE' ? bytes : bytes.reverse()).join('.');
}
