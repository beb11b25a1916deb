import { createServer, type Server } from 'node:http';
import type { WebhookEvent } from '@roomcast/protocol';

export interface ReceivedAttempt {
  event: WebhookEvent;
  /** The status this receiver answered. */
  status: number;
}

export interface WebhookTestReceiver {
  url: string;
  attempts: ReceivedAttempt[];
  /** Attempts at one event id. */
  attemptsAt(id: string): ReceivedAttempt[];
  /** Ids of events of this type answered 2xx (each once, even when delivered twice). */
  deliveredIds(type: string): string[];
  close(): Promise<void>;
}

/**
 * A loopback webhook receiver whose answer `respond` picks per request (given the event and how many
 * attempts at it came before), so a test can fail first attempts, answer slowly or stay down a while.
 */
/** A status, or a status sent after a delay (a slow receiver). */
export type TestAnswer = number | { status: number; delayMs: number };

export async function startWebhookTestReceiver(respond: (event: WebhookEvent, previousAttempts: number) => TestAnswer): Promise<WebhookTestReceiver> {
  const attempts: ReceivedAttempt[] = [];
  const attemptsAt = (id: string): ReceivedAttempt[] => attempts.filter((a) => a.event.id === id);
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => {
      const event = JSON.parse(raw) as WebhookEvent;
      const answer = respond(event, attemptsAt(event.id).length);
      const { status, delayMs } = typeof answer === 'number' ? { status: answer, delayMs: 0 } : answer;
      attempts.push({ event, status });
      setTimeout(() => response.writeHead(status).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    attempts,
    attemptsAt,
    deliveredIds: (type) => [...new Set(attempts.filter((a) => a.event.type === type && a.status < 300).map((a) => a.event.id))],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
