import type { ms } from '@roomcast/sfu';

export interface SdpInput {
  kind: 'audio' | 'video';
  /** Where FFmpeg receives RTP (loopback); RTCP arrives on rtpPort + 1. */
  rtpPort: number;
  /** The consumer's RTP parameters: the codec is given to FFmpeg, never probed. */
  rtpParameters: ms.RtpParameters;
}

/**
 * The SDP that tells FFmpeg what a mediasoup consumer sends it: codec, payload type, clock rate
 * and, for H264, the packetization mode. Pure, so it is tested without FFmpeg.
 */
export function buildSdp(input: SdpInput): string {
  const codec = input.rtpParameters.codecs[0];
  if (!codec) throw new Error('consumer has no codec');
  const [, name = ''] = codec.mimeType.split('/');
  const channels = input.kind === 'audio' ? `/${codec.channels ?? 2}` : '';
  const lines = [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=roomcast-egress',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=${input.kind} ${input.rtpPort} RTP/AVPF ${codec.payloadType}`,
    `a=rtcp:${input.rtpPort + 1}`,
    `a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${channels}`,
  ];
  const fmtp = formatParameters(codec.parameters);
  if (fmtp) lines.push(`a=fmtp:${codec.payloadType} ${fmtp}`);
  lines.push('a=recvonly');
  return `${lines.join('\r\n')}\r\n`;
}

function formatParameters(parameters: Record<string, unknown> | undefined): string {
  if (!parameters) return '';
  return Object.entries(parameters)
    .filter(([key]) => key !== 'x-google-start-bitrate')
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(';');
}
