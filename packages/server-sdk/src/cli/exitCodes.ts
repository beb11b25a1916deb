import { RoomcastApiError } from '../RoomcastApiError.js';
import { AppError } from '@roomcast/protocol';

/** What the CLI's exit status says (documented in the README and `roomcast --help`). */
export const EXIT = {
  ok: 0,
  /** Wrong command, flag or value: nothing was sent. */
  usage: 1,
  /** The server refused the request (HTTP 4xx: not found, invalid, unauthorized…). */
  apiClientError: 2,
  /** The server failed (HTTP 5xx), could not be reached, or answered something unreadable. */
  apiServerError: 3,
  /** ROOMCAST_URL / ROOMCAST_API_KEY / ROOMCAST_API_SECRET (or their flags) missing. */
  configMissing: 4,
  /** A bug in the CLI itself. */
  internal: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export class ConfigMissingError extends Error {
  override readonly name = 'ConfigMissingError';
}

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof ConfigMissingError) return EXIT.configMissing;
  if (error instanceof RoomcastApiError) {
    return error.status >= 400 && error.status < 500 ? EXIT.apiClientError : EXIT.apiServerError;
  }
  // AccessToken refuses a bad room, identity or ttl before anything is signed.
  if (error instanceof AppError && error.status < 500) return EXIT.usage;
  return EXIT.internal;
}
