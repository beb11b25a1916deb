import type { ms } from '@roomcast/sfu';

export interface SdpInput {
  kind: 'audio' | 'video';
  /** Where FFmpeg receives RTP (loopback); RTCP arrives on rtpPort + 1. */
  rtpPort: number;
  /** The consumer's RTP parameters: the codec is given to FFmpeg, never probed. */
  rtpParameters: ms.RtpParameters;
  /** The tap's SRTP key (`a=crypto`, RFC 4568): FFmpeg decrypts and checks every packet with it. */
  srtp?: { cryptoSuite: string; keyBase64: string };
}

/** The one suite the SFU's taps use; its inline key is 30 bytes of base64 (16 key + 14 salt). */
const SRTP_SUITE = 'AES_CM_128_HMAC_SHA1_80';
const SRTP_KEY = /^[A-Za-z0-9+/]{40}$/;

const ZERO_ONE = /^[01]$/;
const DIGITS = /^\d{1,6}$/;

/**
 * The format parameters FFmpeg may see, per codec, and what their values look like. A consumer's
 * parameters are copied from the publisher's, and a publisher can put anything there (a CR LF and
 * a `c=` line included): only these keys pass, and only with values matching these patterns.
 */
const FMTP_ALLOWED: Record<string, Record<string, RegExp>> = {
  h264: { 'packetization-mode': ZERO_ONE, 'profile-level-id': /^[0-9a-fA-F]{6}$/, 'level-asymmetry-allowed': ZERO_ONE },
  vp8: {},
  vp9: { 'profile-id': DIGITS },
  opus: { minptime: DIGITS, useinbandfec: ZERO_ONE, stereo: ZERO_ONE, 'sprop-stereo': ZERO_ONE, usedtx: ZERO_ONE, maxplaybackrate: DIGITS },
};

/** Codec names as the rtpmap line carries them: the part of mimeType after the slash. */
const CODEC_NAME = /^[A-Za-z0-9-]{1,32}$/;

/**
 * The SDP that tells FFmpeg what a mediasoup consumer sends it: codec, payload type, clock rate
 * and the allowed format parameters. Pure, so it is tested without FFmpeg. Throws on a codec it
 * cannot describe safely (an unknown codec, a name or number that is not one).
 */
export function buildSdp(input: SdpInput): string {
  const codec = input.rtpParameters.codecs[0];
  if (!codec) throw new Error('consumer has no codec');
  const [, name = ''] = codec.mimeType.split('/');
  const allowed = FMTP_ALLOWED[name.toLowerCase()];
  if (!allowed || !CODEC_NAME.test(name)) throw new Error('consumer codec is not one the egress decodes');
  const payloadType = integer(codec.payloadType, 0, 127);
  const clockRate = integer(codec.clockRate, 1, 192_000);
  const channels = input.kind === 'audio' ? `/${integer(codec.channels ?? 2, 1, 8)}` : '';
  const rtpPort = integer(input.rtpPort, 1, 65534);
  const lines = [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=roomcast-egress',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=${input.kind === 'audio' ? 'audio' : 'video'} ${rtpPort} ${input.srtp ? 'RTP/SAVPF' : 'RTP/AVPF'} ${payloadType}`,
    `a=rtcp:${rtpPort + 1}`,
    `a=rtpmap:${payloadType} ${name}/${clockRate}${channels}`,
  ];
  if (input.srtp) lines.push(cryptoLine(input.srtp));
  const fmtp = formatParameters(codec.parameters, allowed);
  if (fmtp) lines.push(`a=fmtp:${payloadType} ${fmtp}`);
  lines.push('a=recvonly');
  return `${lines.join('\r\n')}\r\n`;
}

function cryptoLine({ cryptoSuite, keyBase64 }: { cryptoSuite: string; keyBase64: string }): string {
  if (cryptoSuite !== SRTP_SUITE || !SRTP_KEY.test(keyBase64)) throw new Error('the tap offered SRTP the egress does not take');
  return `a=crypto:1 ${SRTP_SUITE} inline:${keyBase64}`;
}

/** `key=value;…` from the allowed keys whose values match; everything else is left out. */
export function formatParameters(parameters: Record<string, unknown> | undefined, allowed: Record<string, RegExp>): string {
  if (!parameters) return '';
  const kept: string[] = [];
  for (const [key, pattern] of Object.entries(allowed)) {
    if (!Object.hasOwn(parameters, key)) continue;
    const value = parameters[key];
    if ((typeof value === 'number' || typeof value === 'string') && pattern.test(String(value))) kept.push(`${key}=${String(value)}`);
  }
  return kept.join(';');
}

function integer(value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new Error('consumer RTP parameters out of range');
  return value;
}
