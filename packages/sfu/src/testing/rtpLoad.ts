import { createSocket, type Socket } from 'node:dgram';

/**
 * Cheap synthetic media for SFU tests and benchmarks: a paced VP8 RTP stream made in Node (no
 * encoder: the payload is filler behind a valid VP8 payload descriptor and frame header, enough
 * for mediasoup to see frames and keyframes), and a UDP sink that counts what each consumer
 * delivered. Every packet carries its index in its last four bytes, which the SFU forwards
 * untouched, so loss is counted exactly per packet (sequence numbers and SSRCs are rewritten).
 */
export interface Vp8StreamSpec {
  payloadType: number;
  ssrc: number;
  fps: number;
  packetsPerFrame: number;
  /** RTP payload bytes per packet (header excluded). */
  payloadBytes: number;
  /** A keyframe every this many frames: a consumer starts forwarding at a keyframe. */
  keyframeEveryFrames: number;
}

/** About 300 kbps: 30 fps, two 625-byte packets a frame, a keyframe a second. */
export const VP8_300KBPS: Vp8StreamSpec = { payloadType: 101, ssrc: 1111, fps: 30, packetsPerFrame: 2, payloadBytes: 625, keyframeEveryFrames: 30 };

const RTP_HEADER = 12;
const INDEX_BYTES = 4;
/** VP8 descriptor with a 15-bit picture id (4) + frame tag (3) + keyframe start code and size (7). */
const DESCRIPTOR = 4;
const MIN_PAYLOAD = DESCRIPTOR + 10 + INDEX_BYTES;

/** The mediasoup rtpParameters a producer of this stream declares. */
export function vp8RtpParameters(spec: Vp8StreamSpec) {
  return {
    codecs: [{ mimeType: 'video/VP8', payloadType: spec.payloadType, clockRate: 90000 }],
    encodings: [{ ssrc: spec.ssrc }],
  };
}

/** Packet `index` of the stream: pure. */
export function vp8RtpPacket(spec: Vp8StreamSpec, index: number): Buffer {
  if (spec.payloadBytes < MIN_PAYLOAD) throw new Error(`payloadBytes must be at least ${MIN_PAYLOAD}`);
  const frame = Math.floor(index / spec.packetsPerFrame);
  const part = index % spec.packetsPerFrame;
  const packet = Buffer.alloc(RTP_HEADER + spec.payloadBytes);
  packet[0] = 0x80; // version 2
  packet[1] = (part === spec.packetsPerFrame - 1 ? 0x80 : 0) | spec.payloadType; // marker on a frame's last packet
  packet.writeUInt16BE(index & 0xffff, 2);
  packet.writeUInt32BE(Math.round((frame * 90000) / spec.fps) >>> 0, 4);
  packet.writeUInt32BE(spec.ssrc >>> 0, 8);
  // Descriptor as a browser sends it (mediasoup 3.8.4 ignores VP8 without the X byte): X, S on a
  // frame's first packet, partition 0; I; a 15-bit picture id, one per frame.
  packet[RTP_HEADER] = part === 0 ? 0x90 : 0x80;
  packet[RTP_HEADER + 1] = 0x80;
  packet.writeUInt16BE(0x8000 | (frame & 0x7fff), RTP_HEADER + 2);
  if (part === 0) {
    const key = frame % spec.keyframeEveryFrames === 0;
    const header = RTP_HEADER + DESCRIPTOR;
    packet[header] = key ? 0x10 : 0x11; // frame tag: show_frame, bit 0 clear on a keyframe
    // Keyframe start code and a 320x240 size, as a decoder expects.
    if (key) Buffer.from([0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00]).copy(packet, header + 3);
  }
  packet.writeUInt32BE(index >>> 0, packet.length - INDEX_BYTES);
  return packet;
}

/** The index a packet of this stream carries, or undefined for RTCP and padding-only packets. */
export function packetIndex(packet: Buffer): number | undefined {
  if (packet.length < RTP_HEADER + MIN_PAYLOAD || packet[1]! >= 192 && packet[1]! <= 223) return undefined;
  const padding = packet[0]! & 0x20 ? packet[packet.length - 1]! : 0;
  const end = packet.length - padding;
  if (end - INDEX_BYTES < RTP_HEADER) return undefined;
  return packet.readUInt32BE(end - INDEX_BYTES);
}

/** Which packet indices arrived (each once, however often it came). */
export class ReceivedSet {
  #bits = new Uint8Array(1024);

  add(index: number): void {
    const byte = index >>> 3;
    if (byte >= this.#bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.#bits.length * 2));
      grown.set(this.#bits);
      this.#bits = grown;
    }
    this.#bits[byte]! |= 1 << (index & 7);
  }

  /** How many of the indices in [from, to) arrived. */
  countBetween(from: number, to: number): number {
    let count = 0;
    for (let i = from; i < to; i++) if ((this.#bits[i >>> 3] ?? 0) & (1 << (i & 7))) count++;
    return count;
  }
}

/** Sends the stream to host:port at its frame rate; `sent` is the index of the next packet. */
export class Vp8RtpSender {
  readonly #socket: Socket = createSocket('udp4');
  #timer: NodeJS.Timeout | undefined;
  sent = 0;

  constructor(
    readonly spec: Vp8StreamSpec,
    readonly port: number,
    readonly host = '127.0.0.1',
  ) {
    // RTCP from mediasoup (PLIs) comes back here: nothing listens for it, and an ICMP error must not throw.
    this.#socket.on('error', () => undefined);
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      for (let i = 0; i < this.spec.packetsPerFrame; i++) this.#socket.send(vp8RtpPacket(this.spec, this.sent++), this.port, this.host);
    }, 1000 / this.spec.fps);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#socket.close();
  }
}

/**
 * One UDP socket on loopback for many consumers: each consumer's PlainTransport sends from its own
 * port, so packets are told apart by their source port.
 */
export class UdpSink {
  readonly #bySource = new Map<number, ReceivedSet>();
  readonly #socket: Socket;
  packets = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('message', (packet, from) => {
      this.packets++;
      const index = packetIndex(packet);
      if (index === undefined) return;
      let set = this.#bySource.get(from.port);
      if (!set) this.#bySource.set(from.port, (set = new ReceivedSet()));
      set.add(index);
    });
  }

  /** A large receive buffer, so a busy Node thread does not drop what the SFU delivered. */
  static async open(recvBufferSize = 4 * 2 ** 20): Promise<UdpSink> {
    const socket = createSocket({ type: 'udp4', recvBufferSize });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new UdpSink(socket);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  /** How many of the indices in [from, to) arrived from the transport on `sourcePort`. */
  received(sourcePort: number, from: number, to: number): number {
    return this.#bySource.get(sourcePort)?.countBetween(from, to) ?? 0;
  }

  close(): void {
    this.#socket.close();
  }
}
