import { z } from 'zod';
import { MediaKindSchema } from './common.js';

/*
 * The WebRTC parameters a client sends (mediasoup-client's shapes). They are checked here, field by
 * field, so malformed ones get a 400 instead of reaching mediasoup (which throws with a stack trace
 * for each). Unknown fields pass through untouched (`looseObject`): newer mediasoup-client versions
 * add optional ones that mediasoup ignores. Every string, array and map is bounded.
 */

const Short = z.string().max(256);
const Uint32 = z.number().int().min(0).max(0xffffffff);
const PayloadType = z.number().int().min(0).max(127);
const MimeType = z.string().max(64).regex(/^(audio|video)\/[A-Za-z0-9_.+-]+$/, 'a mime type like "video/VP8"');

/** Codec and header-extension parameters: a small flat map of numbers, strings and booleans. */
const ParametersSchema = z
  .record(z.string().max(64), z.union([Short, z.number(), z.boolean()]))
  .refine((value) => Object.keys(value).length <= 32, 'at most 32 parameters');

const RtcpFeedbackSchema = z.looseObject({ type: Short, parameter: Short.optional() });

export const RtpCodecParametersSchema = z.looseObject({
  mimeType: MimeType,
  payloadType: PayloadType,
  clockRate: z.number().int().min(1).max(1_000_000),
  channels: z.number().int().min(1).max(8).optional(),
  parameters: ParametersSchema.optional(),
  rtcpFeedback: z.array(RtcpFeedbackSchema).max(32).optional(),
});

const HeaderExtensionSchema = z.looseObject({
  uri: z.string().max(512),
  id: z.number().int().min(1).max(255),
  encrypt: z.boolean().optional(),
  parameters: ParametersSchema.optional(),
});

const EncodingSchema = z.looseObject({
  ssrc: Uint32.optional(),
  rid: z.string().max(32).optional(),
  codecPayloadType: PayloadType.optional(),
  rtx: z.looseObject({ ssrc: Uint32 }).optional(),
  dtx: z.boolean().optional(),
  scalabilityMode: z.string().max(32).optional(),
  scaleResolutionDownBy: z.number().min(1).max(64).optional(),
  maxBitrate: z.number().min(0).max(100_000_000).optional(),
  maxFramerate: z.number().min(0).max(240).optional(),
  active: z.boolean().optional(),
});

/** What `produce` sends: a sender's RTP parameters. */
export const RtpParametersSchema = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z.array(RtpCodecParametersSchema).min(1).max(16),
  headerExtensions: z.array(HeaderExtensionSchema).max(32).optional(),
  encodings: z.array(EncodingSchema).max(8).optional(),
  rtcp: z.looseObject({ cname: z.string().max(256).optional(), reducedSize: z.boolean().optional(), mux: z.boolean().optional() }).optional(),
});

/** What `connectTransport` sends: the client's DTLS role and certificate fingerprints. */
export const DtlsParametersSchema = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(
      z.looseObject({
        algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']),
        value: z.string().max(256).regex(/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*$/, 'hex bytes separated by ":"'),
      }),
    )
    .min(1)
    .max(8),
});

const CapabilityCodecSchema = z.looseObject({
  kind: MediaKindSchema,
  mimeType: MimeType,
  preferredPayloadType: PayloadType.optional(),
  clockRate: z.number().int().min(1).max(1_000_000),
  channels: z.number().int().min(1).max(8).optional(),
  parameters: ParametersSchema.optional(),
  rtcpFeedback: z.array(RtcpFeedbackSchema).max(32).optional(),
});

const CapabilityHeaderExtensionSchema = z.looseObject({
  kind: MediaKindSchema,
  uri: z.string().max(512),
  preferredId: z.number().int().min(1).max(255),
  preferredEncrypt: z.boolean().optional(),
  direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
});

/** What `join` sends: the codecs and header extensions the client can receive. */
export const RtpCapabilitiesSchema = z.looseObject({
  codecs: z.array(CapabilityCodecSchema).max(64).optional(),
  headerExtensions: z.array(CapabilityHeaderExtensionSchema).max(64).optional(),
});

export type RtpParametersData = z.input<typeof RtpParametersSchema>;
export type DtlsParametersData = z.input<typeof DtlsParametersSchema>;
export type RtpCapabilitiesData = z.input<typeof RtpCapabilitiesSchema>;
