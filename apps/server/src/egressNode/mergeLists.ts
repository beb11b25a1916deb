import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type RecordingInfo } from '@roomcast/protocol';

/** How long each egress node has to answer its part of a merged list. */
const PART_TIMEOUT_MS = 5_000;

/**
 * `GET /v1/recordings` when several egress nodes serve (each lists the recordings on its own disk):
 * the request goes to each as it came (its credentials included, so each checks them), and the
 * answer is one list, oldest first. A refusal is answered as the node gave it; a node that does not
 * answer makes it a 503 rather than a list that silently misses its recordings.
 */
export async function mergeRecordingLists(request: FastifyRequest, reply: FastifyReply, bases: string[]): Promise<unknown> {
  const headers: Record<string, string> = {};
  if (request.headers.authorization) headers.authorization = request.headers.authorization;
  const answers = await Promise.all(bases.map((base) =>
    fetch(`${base}${request.url}`, { headers, signal: AbortSignal.timeout(PART_TIMEOUT_MS) }).catch(() => undefined)));
  if (answers.some((answer) => answer === undefined)) {
    throw new AppError('service_unavailable', 'an egress node did not answer; try again in a few seconds');
  }
  const refused = answers.find((answer) => !answer!.ok);
  if (refused) return reply.code(refused.status).type('application/json').send(await refused.text());
  const lists = (await Promise.all(answers.map((answer) => answer!.json()))) as Array<{ recordings: RecordingInfo[] }>;
  // A live stream that went on on another node after its node was lost has a recording (its part) on each, under one id: listed once.
  const byId = new Map(lists.flatMap((list) => list.recordings).map((recording) => [recording.id, recording]));
  const recordings = [...byId.values()].sort((a, b) => a.created_at.localeCompare(b.created_at));
  return { recordings };
}
