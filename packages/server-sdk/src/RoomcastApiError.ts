import type { ErrorCode } from '@roomcast/protocol';

/**
 * `network_error`: the server could not be reached (status 0);
 * `unexpected_response`: it answered with something that is not Roomcast's JSON.
 */
export type RoomcastApiErrorCode = ErrorCode | 'network_error' | 'unexpected_response';

/** A failed REST call: the server's `{error: {code, message}}` with the HTTP status. */
export class RoomcastApiError extends Error {
  readonly status: number;
  readonly code: RoomcastApiErrorCode;

  constructor(status: number, code: RoomcastApiErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'RoomcastApiError';
    this.status = status;
    this.code = code;
  }

  /** 4xx: the request was wrong (fix it; retrying will not help). */
  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}
