import { AppError, type ErrorBody, type ErrorCode } from '@roomcast/protocol';

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  validation?: unknown;
  message?: string;
}

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media',
  429: 'rate_limited',
  431: 'headers_too_large',
  503: 'service_unavailable',
};

/**
 * The one mapper from anything thrown to what a client is told, for HTTP and WebSocket alike.
 * Unexpected errors become a bare `internal` so no detail (paths, secrets) leaks.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const e = (error ?? {}) as FastifyLikeError;
  if (e.validation) return new AppError('invalid_body', e.message ?? 'invalid request', { cause: error });
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return new AppError('invalid_body', 'body is not valid JSON', { cause: error });
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  const code = STATUS_CODES[status];
  if (code && status < 500) return new AppError(code, e.message ?? code, { cause: error });
  if (code) return new AppError(code, code.replaceAll('_', ' '), { cause: error });
  return new AppError('internal', 'internal error', { cause: error });
}

export function errorBody(error: AppError): ErrorBody {
  return { error: error.toDetail() };
}

/**
 * A bug (an `internal` error): logged at error level with its stack. A coded 5xx the server meant
 * (`service_unavailable` when its ports are full, a destination that failed) is logged at warn,
 * without a stack, so a client that keeps hitting it cannot flood the log.
 */
export function logServerError(log: { error(o: object, m: string): void; warn(o: object, m: string): void }, appError: AppError, error: unknown, what: string): void {
  if (!isServerError(appError)) return;
  if (appError.code === 'internal') log.error({ err: error }, what);
  else log.warn({ code: appError.code }, `${what}: ${appError.message}`);
}

export function isServerError(error: AppError): boolean {
  return error.status >= 500;
}
