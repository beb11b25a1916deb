import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '@roomcast/protocol';
import { errorBody } from './errors.js';

/**
 * Requests that never reach a route: Node's HTTP parser refuses them (headers over 16 KiB, a NUL
 * or CR in a header, two Content-Lengths…) or fastify cannot route them (a bad %-escape, a huge
 * path parameter). Both would answer in their own formats; these keep the one error contract,
 * `{"error": {"code", "message"}}`, and say nothing about the request back.
 */

/** Node's parser error codes that are the client's doing, and what they are. */
const PARSER_ERRORS: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'headers_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
};

/** fastify's `clientErrorHandler`: a raw HTTP answer on the socket, then close it. */
export function answerClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const appError = new AppError(PARSER_ERRORS[error.code ?? ''] ?? 'bad_request', 'malformed HTTP request');
  const body = JSON.stringify(errorBody(appError));
  // A HEAD request's answer has no body (the client would read it as the next response).
  const isHead = Buffer.isBuffer(error.rawPacket) && error.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD ';
  const head = [
    `HTTP/1.1 ${appError.status} ${appError.code.replaceAll('_', ' ')}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${isHead ? 0 : Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${isHead ? '' : body}`);
}

/** fastify's `frameworkErrors`: routing failures answered like every other error. */
export function answerFrameworkError(error: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
  const appError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new AppError('uri_too_long', 'a path parameter is too long')
      : new AppError('bad_request', error.code === 'FST_ERR_BAD_URL' ? 'malformed URL' : 'malformed request');
  void reply.code(appError.status).send(errorBody(appError));
}

/** The rate limit's key: the client's address, even on a socket already torn down (no `request.ip`). */
export function rateLimitKey(request: FastifyRequest): string {
  return request.ip ?? request.socket?.remoteAddress ?? 'unknown';
}
