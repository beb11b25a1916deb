import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedLoopbackPort } from '../../testing/loopback.js';
import { HttpRecognizer } from './HttpRecognizer.js';
import type { RecognizedSegment, RecognizerSession } from './Recognizer.js';
import { chunks20ms, silence, tone } from '../../testing/pcm16k.js';
import type { HttpRecognizerConfig } from './transcriptsConfig.js';
import { parseWav, type WavInfo } from './wav.js';

/**
 * A stand-in for a Whisper server (no speech-to-text server runs here): a real HTTP server on
 * loopback that parses the multipart request as one would, records it, and answers as the test says.
 */
interface Received {
  authorization: string | undefined;
  model: ReturnType<FormData["get"]>;
  filename: string | undefined;
  wav: WavInfo;
}
type Answer = (res: ServerResponse) => void;

const KEY = 'sk-test-do-not-leak';
let server: Server;
let url: string;
let received: Received[];
let answers: Answer[];
const json = (body: unknown): Answer => (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  // undici's multipart parser, the same one a Node server would use.
  const form = await new Response(Buffer.concat(parts), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
  const file = form.get('file') as File;
  received.push({
    authorization: req.headers.authorization,
    model: form.get('model'),
    filename: file?.name,
    wav: parseWav(Buffer.from(await file.arrayBuffer())),
  });
  const answer = answers.shift() ?? json({ text: 'unexpected' });
  answer(res);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(400).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/audio/transcriptions?token=in-the-path`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
  answers = [];
});

function config(overrides: Partial<HttpRecognizerConfig> = {}): HttpRecognizerConfig {
  return { url, model: 'whisper-large-v3', apiKey: KEY, timeoutMs: 2000, ...overrides };
}

function recorder() {
  const segments: RecognizedSegment[] = [];
  const errors: Error[] = [];
  return { segments, errors, onSegment: (s: RecognizedSegment) => segments.push(s), onError: (e: Error) => errors.push(e) };
}

function write(session: RecognizerSession, pcm: Buffer): void {
  for (const chunk of chunks20ms(pcm)) session.write(chunk);
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('HttpRecognizer', () => {
  it('is available once a URL is configured', async () => {
    expect(await new HttpRecognizer(config()).available()).toBe(true);
    expect(await new HttpRecognizer(config({ url: '' })).available()).toBe(false);
  });

  it('posts each utterance as a 16 kHz mono WAV with the model and the key; the text becomes a final segment', async () => {
    answers.push(json({ text: ' hello there ' }));
    const got = recorder();
    const session = new HttpRecognizer(config()).open(got);
    write(session, Buffer.concat([silence(500), tone(1000), silence(700)]));
    await until(() => got.segments.length === 1);
    await session.close();

    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(request.authorization).toBe(`Bearer ${KEY}`);
    expect(request.model).toBe('whisper-large-v3');
    expect(request.filename).toBe('utterance.wav');
    expect(request.wav).toMatchObject({ format: 1, channels: 1, sampleRate: 16_000, bitsPerSample: 16 });
    // The utterance (1 s) with at most 200 ms of padding on each side.
    const durationMs = request.wav.data.length / 32;
    expect(durationMs).toBeGreaterThanOrEqual(1000);
    expect(durationMs).toBeLessThanOrEqual(1400);
    expect(got.segments).toEqual([{ text: 'hello there', start: 500, end: 1500, final: true }]);
    expect(got.errors).toEqual([]);
  });

  it('sends no Authorization header without a key', async () => {
    answers.push(json({ text: 'ok' }));
    const got = recorder();
    const session = new HttpRecognizer(config({ apiKey: undefined })).open(got);
    write(session, Buffer.concat([tone(300), silence(700)]));
    await until(() => got.segments.length === 1);
    await session.close();
    expect(received[0]!.authorization).toBeUndefined();
  });

  it('reports a 500 through onError, without the key or the URL’s path, and goes on with the next utterance', async () => {
    answers.push((res) => res.writeHead(500, { 'content-type': 'application/json' }).end(`{"error":"boom ${KEY}"}`));
    answers.push(json({ text: 'second try' }));
    const got = recorder();
    const session = new HttpRecognizer(config()).open(got);
    write(session, Buffer.concat([tone(400), silence(700)]));
    await until(() => got.errors.length === 1);
    write(session, Buffer.concat([tone(400), silence(700)]));
    await until(() => got.segments.length === 1);
    await session.close();

    expect(got.errors[0]!.message).toMatch(/answered HTTP 500/);
    expect(got.errors[0]!.message).not.toMatch(new RegExp(`${KEY}|in-the-path|transcriptions`));
    expect(got.segments).toEqual([{ text: 'second try', start: 1100, end: 1500, final: true }]);
    expect(received).toHaveLength(2);
  });

  it('gives up on a request after the timeout, says so, and the session goes on', async () => {
    answers.push(() => undefined); // never answers
    answers.push(json({ text: 'after the timeout' }));
    const got = recorder();
    // Long enough for the second, answered request on a busy machine.
    const session = new HttpRecognizer(config({ timeoutMs: 1500 })).open(got);
    write(session, Buffer.concat([tone(400), silence(700)]));
    await until(() => got.errors.length === 1);
    expect(got.errors[0]!.message).toMatch(/no answer within 1500 ms/);
    write(session, Buffer.concat([tone(400), silence(700)]));
    await until(() => got.segments.length === 1);
    await session.close();
    expect(got.segments[0]!.text).toBe('after the timeout');
  });

  it('reports a refused connection by its code only', async () => {
    const port = await closedLoopbackPort();
    const got = recorder();
    const session = new HttpRecognizer(config({ url: `http://127.0.0.1:${port}/v1/audio/transcriptions` })).open(got);
    write(session, Buffer.concat([tone(400), silence(700)]));
    await until(() => got.errors.length === 1);
    await session.close();
    expect(got.errors[0]!.message).toBe(`speech-to-text request to 127.0.0.1:${port} failed: ECONNREFUSED`);
  });

  it('close() sends the utterance in progress and delivers its segment before resolving; no callback after', async () => {
    answers.push(json({ text: 'last words' }));
    const got = recorder();
    const session = new HttpRecognizer(config()).open(got);
    write(session, Buffer.concat([silence(100), tone(600)]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toEqual([]);
    await session.close();
    expect(got.segments).toEqual([{ text: 'last words', start: 100, end: 700, final: true }]);
    write(session, Buffer.concat([tone(400), silence(700)]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toHaveLength(1);
  });

  it('close() with a hung request: resolves, and no callback comes after it', async () => {
    answers.push(() => undefined);
    const got = recorder();
    const session = new HttpRecognizer(config({ timeoutMs: 300 })).open(got);
    write(session, tone(600));
    await session.close();
    expect(got.segments).toEqual([]);
    // The hung request timed out inside close(): said once, or not at all once aborted, never after.
    const errorsAtClose = got.errors.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(got.errors.length).toBe(errorsAtClose);
  });
});
