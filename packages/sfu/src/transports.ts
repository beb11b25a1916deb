import type { types as ms } from 'mediasoup';
import type { Participant } from './Participant.js';

export interface WebRtcSettings {
  /** IP to bind and the IP announced to clients (the public address behind NAT). */
  listenIps: ms.TransportListenIp[];
  initialAvailableOutgoingBitrate: number;
  /** How long a transport may stay ICE-disconnected / DTLS-failed before its participant is removed. */
  mediaTimeoutMs: number;
  /** The address egress taps (PlainTransports) send from: one that reaches the egress (default loopback). */
  tapListenIp?: string;
}

export type Direction = 'send' | 'recv';

export async function createWebRtcTransport(
  router: ms.Router,
  participant: Participant,
  direction: Direction,
  settings: WebRtcSettings,
): Promise<ms.WebRtcTransport> {
  const transport = await router.createWebRtcTransport({
    listenIps: settings.listenIps,
    enableUdp: true,
    enableTcp: true,
    preferUdp: true,
    initialAvailableOutgoingBitrate: settings.initialAvailableOutgoingBitrate,
    appData: { direction, participantId: participant.id },
  });
  watchMediaLiveness(transport, participant, settings.mediaTimeoutMs);
  return transport;
}

/**
 * mediasoup 3.8.4 has no ICE consent freshness checks, so a vanished peer is detected from the
 * ICE and DTLS state: if the transport stays disconnected/failed past the grace period, the
 * participant is told to go (`mediaTimeout`). Recovering in time cancels it.
 */
export function watchMediaLiveness(
  transport: Pick<ms.WebRtcTransport, 'on' | 'observer'>,
  participant: Pick<Participant, 'safeEmit'>,
  graceMs: number,
): void {
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    timer ??= setTimeout(() => participant.safeEmit('mediaTimeout'), graceMs);
  };
  const disarm = (): void => {
    clearTimeout(timer);
    timer = undefined;
  };
  transport.on('icestatechange', (state: ms.IceState) => {
    if (state === 'disconnected' || state === 'closed') arm();
    else disarm();
  });
  transport.on('dtlsstatechange', (state: ms.DtlsState) => {
    if (state === 'failed' || state === 'closed') arm();
  });
  transport.observer.once('close', disarm);
}
