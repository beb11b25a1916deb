import { AppError, RtmsStatus, type ErrorCode } from '@roomcast/protocol';

export type RtmsSocketName = 'signaling' | 'media';

const CODE_BY_STATUS = new Map<number, ErrorCode>([
  [RtmsStatus.SIGNATURE_INVALID, 'unauthorized'],
  [RtmsStatus.STREAM_NOT_FOUND, 'not_found'],
  [RtmsStatus.INVALID_STREAM_ID, 'not_found'],
  [RtmsStatus.STREAM_ENDED, 'conflict'],
  [RtmsStatus.DUPLICATE_SIGNAL_REQUEST, 'conflict'],
  [RtmsStatus.MEDIA_NOT_ALLOWED, 'forbidden'],
  [RtmsStatus.TRANSCRIPT_UNAVAILABLE, 'service_unavailable'],
  [RtmsStatus.CONNECTION_TIMEOUT, 'request_timeout'],
  [RtmsStatus.INTERNAL_ERROR, 'internal'],
]);

/** Statuses that may clear up on their own: a reconnect keeps trying after them. */
const TRANSIENT_STATUSES = new Set<number>([RtmsStatus.CONNECTION_TIMEOUT, RtmsStatus.DUPLICATE_SIGNAL_REQUEST, RtmsStatus.INTERNAL_ERROR]);

/** A handshake answered with a non-zero `status_code` (msg_type 2 or 4). */
export class RtmsHandshakeError extends AppError {
  constructor(
    readonly socket: RtmsSocketName,
    readonly statusCode: number,
    readonly reason: string | null,
  ) {
    super(CODE_BY_STATUS.get(statusCode) ?? 'bad_request', `${socket} handshake refused: status ${statusCode}${reason ? ` (${reason})` : ''}`);
    this.name = 'RtmsHandshakeError';
  }

  get transient(): boolean {
    return TRANSIENT_STATUSES.has(this.statusCode);
  }
}
