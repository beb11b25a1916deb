import { z } from 'zod';

/**
 * Every error code the server can return, with the HTTP status it maps to.
 * Signaling replies carry the same codes; the status is used only over HTTP.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_body: 400,
  invalid_message: 400,
  invalid_stream_url: 400,
  /** A destination on a loopback, private, link-local or otherwise non-public address (or unresolvable). */
  destination_not_allowed: 400,
  unauthorized: 401,
  invalid_token: 401,
  forbidden: 403,
  /** The room's settings turn broadcasting off: RTMP broadcasts and live streams are refused. */
  broadcasting_disabled: 403,
  not_found: 404,
  room_not_found: 404,
  participant_not_found: 404,
  transport_not_found: 404,
  producer_not_found: 404,
  consumer_not_found: 404,
  egress_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  already_joined: 409,
  not_joined: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media: 415,
  limit_exceeded: 429,
  rate_limited: 429,
  request_timeout: 408,
  headers_too_large: 431,
  internal: 500,
  destination_failed: 502,
  service_unavailable: 503,
  /** Redis (the cluster's registry) is unreachable: nothing new is placed until it answers again. */
  cluster_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

export const ErrorDetailSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
});
export type ErrorDetail = z.infer<typeof ErrorDetailSchema>;

/** The body of every non-2xx HTTP response. */
export const ErrorBodySchema = z.object({ error: ErrorDetailSchema });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/**
 * The one error type the server raises on purpose. `code` picks the HTTP status and is sent to
 * clients with `message`; `cause` is for logs only. `destination` marks errors caused by a
 * user's own endpoint (an RTMP server that refuses), apart from failures of the service itself.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly destination: boolean;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; destination?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.destination = options.destination ?? false;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toDetail(): ErrorDetail {
    return { code: this.code, message: this.message };
  }
}
