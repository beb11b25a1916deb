import { AppError } from '@roomcast/protocol';
import { describe, expect, it } from 'vitest';
import { toAppError } from './errors.js';

describe('toAppError', () => {
  it('keeps AppErrors as they are', () => {
    const error = new AppError('conflict', 'taken');
    expect(toAppError(error)).toBe(error);
  });

  it('maps fastify validation and JSON errors to invalid_body', () => {
    expect(toAppError({ validation: [{}], message: 'body/name bad' })).toMatchObject({ code: 'invalid_body', message: 'body/name bad' });
    expect(toAppError({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }).code).toBe('invalid_body');
  });

  it('hides the details of unexpected errors', () => {
    const mapped = toAppError(new Error('ENOENT /secret/path'));
    expect(mapped.toDetail()).toEqual({ code: 'internal', message: 'internal error' });
    expect(mapped.status).toBe(500);
  });

  it('maps plain HTTP statuses to their codes', () => {
    expect(toAppError({ statusCode: 413, message: 'too big' }).code).toBe('payload_too_large');
  });
});
