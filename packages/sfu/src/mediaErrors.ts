import { AppError } from '@roomcast/protocol';

/**
 * The router's own options are fixed by the server, so a transport it cannot create means the
 * server is full: every port of RTC_MIN_PORT..RTC_MAX_PORT is taken (Debian's worker says so with
 * an empty message). That is a coded 503 the client may retry, not a 500. A closed router (the
 * room is closing) stays what it is.
 */
export function mapTransportError(error: unknown): unknown {
  if (error instanceof Error && error.name === 'Error') {
    return new AppError('service_unavailable', 'no media ports are free on this server; try again later', { cause: error });
  }
  return error;
}

/**
 * A mediasoup call fed with what a client sent (DTLS or RTP parameters) fails because of that input:
 * a duplicated SSRC, an unsupported codec, a second connect. That is the client's 400, with
 * mediasoup's first line as the reason, not a server error logged with a stack for each attempt.
 * A closed transport or producer (the participant is leaving) is a 409.
 */
export async function withClientInput<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    if (name === 'InvalidStateError') throw new AppError('not_joined', `${what}: already closed`, { cause: error });
    const reason = (message.split('\n')[0] ?? '').slice(0, 160);
    throw new AppError('bad_request', `${what} refused by the media server: ${reason}`, { cause: error });
  }
}
