import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';

/** Query parameters that carry secrets and must never reach a log line. */
const SECRET_QUERY = /([?&](?:token|access_token|key|stream_key|signature|sig)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/**
 * pino options for fastify: request URLs lose their secret query parameters, and headers or
 * body fields that hold secrets are redacted wherever they appear in a log object.
 */
export function loggerOptions(
  config: Pick<Config, 'logLevel'>,
  stream?: { write(line: string): void },
): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        '*.stream_key',
        '*.*.stream_key',
        'stream_key',
        'token',
        '*.token',
        'secret',
        '*.secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(request: { method: string; url: string; ip?: string }) {
        return { method: request.method, url: redactUrl(request.url), ip: request.ip };
      },
    },
  };
}
