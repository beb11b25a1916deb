import type { ErrorCode } from '@roomcast/protocol';

/** Failures the SDK detects itself, beside the server's codes (`ErrorCode` from @roomcast/protocol). */
export type ClientErrorCode =
  /** A request got no reply in time. */
  | 'timeout'
  /** The signaling socket could not be opened, or closed while a request was waiting. */
  | 'connection_closed'
  /** The server sent a reply that does not match the protocol. */
  | 'invalid_response'
  /** The call needs a connected room. */
  | 'not_connected'
  /** Capturing a camera, microphone or screen failed (permission denied, no device). */
  | 'media_unavailable';

export type RoomcastErrorCode = ErrorCode | ClientErrorCode;

/** Every error the SDK throws: a server error reply keeps the server's `code` and `message`. */
export class RoomcastError extends Error {
  readonly code: RoomcastErrorCode;

  constructor(code: RoomcastErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'RoomcastError';
    this.code = code;
  }
}

/** Codes that mean trying again with the same token cannot help. */
const FATAL_CODES: ReadonlySet<RoomcastErrorCode> = new Set<RoomcastErrorCode>([
  'unauthorized',
  'invalid_token',
  'forbidden',
  'room_not_found',
]);

export function isFatalError(error: unknown): boolean {
  return error instanceof RoomcastError && FATAL_CODES.has(error.code);
}
