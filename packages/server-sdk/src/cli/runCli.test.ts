import { describe, expect, it } from 'vitest';
import { jwtVerify } from 'jose';
import { RoomcastApiError } from '../RoomcastApiError.js';
import type { Room } from '../RoomcastClient.js';
import type { CliClient, CliIo } from './context.js';
import { EXIT } from './exitCodes.js';
import { runCli } from './runCli.js';

const ENV = { ROOMCAST_URL: 'http://127.0.0.1:7880', ROOMCAST_API_KEY: 'key', ROOMCAST_API_SECRET: 'api-secret-value' };
const room = (name: string): Room => ({
  name,
  created_at: '2026-11-30T10:00:00.000Z',
  participants: [],
  active_speaker: null,
  egress: { broadcasting: false, layout: null, quality: null, rtmps: [], live_streams: [], media_streams: [] },
  type: 'default',
  settings: {} as Room['settings'],
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  calls: Array<[string, ...unknown[]]>;
  clientOptions: unknown[];
}

/** A client stub that records calls; `fail` makes every call throw that error. */
async function run(argv: string[], options: { env?: Record<string, string>; fail?: Error; stdin?: string; files?: Record<string, string> } = {}): Promise<Run> {
  const result: Run = { code: -1, stdout: '', stderr: '', calls: [], clientOptions: [] };
  const record = (name: string, answer: unknown) => async (...args: unknown[]) => {
    result.calls.push([name, ...args]);
    if (options.fail) throw options.fail;
    return answer;
  };
  const egress = room('x').egress;
  const client = {
    rooms: { list: record('rooms.list', [room('alpha'), room('beta-long-name')]), create: record('rooms.create', room('new')), get: record('rooms.get', room('alpha')), delete: record('rooms.delete', undefined) },
    rtmpBroadcasts: { start: record('rtmp.start', egress), stop: record('rtmp.stop', egress), stopAll: record('rtmp.stopAll', egress) },
    liveStreams: { get: record('live.get', {}), list: record('live.list', []), start: record('live.start', {}), stop: record('live.stop', {}) },
    mediaStreams: { pause: record('media.pause', {}) },
    recordings: { delete: record('recordings.delete', undefined) },
    egress: { setLayout: record('egress.setLayout', egress) },
  } as unknown as CliClient;
  const io: CliIo = {
    env: options.env ?? ENV,
    stdout: (text) => void (result.stdout += text),
    stderr: (text) => void (result.stderr += text),
    readStdin: async () => options.stdin ?? '',
    readFile: async (path) => {
      const text = options.files?.[path];
      if (text === undefined) throw new Error('ENOENT');
      return text;
    },
    createClient: (clientOptions) => {
      result.clientOptions.push(clientOptions);
      return client;
    },
  };
  result.code = await runCli(argv, io);
  return result;
}

describe('roomcast CLI', () => {
  it('rooms list --json prints the rooms as JSON and exits 0', async () => {
    const result = await run(['rooms', 'list', '--json']);
    expect(result.code).toBe(EXIT.ok);
    expect(JSON.parse(result.stdout).rooms.map((r: Room) => r.name)).toEqual(['alpha', 'beta-long-name']);
    expect(result.clientOptions).toEqual([{ url: ENV.ROOMCAST_URL, apiKey: 'key', apiSecret: 'api-secret-value' }]);
  });

  it('rooms list prints an aligned table', async () => {
    const lines = (await run(['rooms', 'list'])).stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+TYPE\s+PARTICIPANTS\s+BROADCASTING\s+CREATED$/);
    // Every column starts at the same offset on every line.
    const typeColumn = lines[0]!.indexOf('TYPE');
    expect(lines.slice(1).map((line) => line.indexOf('default'))).toEqual([typeColumn, typeColumn]);
  });

  it('accepts global flags before the command words and flags over the environment', async () => {
    const result = await run(['--json', '--url', 'http://other:1', 'rooms', 'get', 'alpha']);
    expect(result.code).toBe(EXIT.ok);
    expect(result.calls).toEqual([['rooms.get', 'alpha']]);
    expect(result.clientOptions[0]).toMatchObject({ url: 'http://other:1' });
  });

  it.each([
    [['rooms', 'explode'], /unknown command "rooms explode"/],
    [['rooms'], /needs a subcommand/],
    [['rooms', 'list', '--nope'], /Unknown option '--nope'/],
    [['rooms', 'list', 'extra'], /unexpected argument/],
    [['rooms', 'get'], /missing --room/],
    [['token', '--room', 'r', '--identity', 'a', '--role', 'king'], /--role must be one of/],
    [['token', '--room', 'r', '--identity', 'a', '--ttl', 'soon'], /--ttl must be a whole number/],
    [['token', '--room', 'a/b', '--identity', 'a'], /invalid room name/],
    [['broadcast', 'start', '--room', 'r', '--name', 'yt', '--stream-url', 'rtmp://h/app', '--quality', '9000p'], /unknown --quality/],
    [['media-stream', 'start', '--room', 'r', '--app', 'x'], /at least one of/],
  ])('%j is a usage error (exit 1) and calls nothing', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(message);
    expect(result.calls).toEqual([]);
  });

  it('a 4xx from the API exits 2 and prints the code and message', async () => {
    const result = await run(['rooms', 'get', 'ghost'], { fail: new RoomcastApiError(404, 'room_not_found', 'room "ghost" not found') });
    expect(result.code).toBe(EXIT.apiClientError);
    expect(result.stderr).toBe('roomcast: HTTP 404 room_not_found: room "ghost" not found\n');
    expect(result.stdout).toBe('');
  });

  it('with --json, errors are JSON on stderr', async () => {
    const result = await run(['rooms', 'get', 'ghost', '--json'], { fail: new RoomcastApiError(404, 'room_not_found', 'nope') });
    expect(JSON.parse(result.stderr)).toEqual({ error: { code: 'room_not_found', message: 'nope', status: 404 } });
  });

  it.each([
    [new RoomcastApiError(503, 'service_unavailable', 'busy')],
    [new RoomcastApiError(0, 'network_error', 'GET /v1/rooms: server unreachable')],
  ])('a 5xx or network failure exits 3', async (error) => {
    expect((await run(['rooms', 'list'], { fail: error })).code).toBe(EXIT.apiServerError);
  });

  it('missing configuration exits 4 and names every missing variable', async () => {
    const result = await run(['rooms', 'list'], { env: {} });
    expect(result.code).toBe(EXIT.configMissing);
    expect(result.stderr).toMatch(/ROOMCAST_URL.*ROOMCAST_API_KEY.*ROOMCAST_API_SECRET/);
    // token needs no server URL.
    expect((await run(['token', '--room', 'r', '--identity', 'a'], { env: { ROOMCAST_API_KEY: 'k' } })).code).toBe(EXIT.configMissing);
  });

  it('--help works for the tool, a group and every command, on stdout with exit 0', async () => {
    const tool = await run(['--help']);
    expect(tool.code).toBe(EXIT.ok);
    expect(tool.stdout).toMatch(/Exit codes:[\s\S]*2 {2}the server refused/);
    const commands = tool.stdout.match(/^ {2}(rooms|token|broadcast|live-stream|media-stream|recordings|layout)( [a-z]+)?(?= )/gm) ?? [];
    expect(commands.length).toBe(21);
    for (const command of commands) {
      const help = await run([...command.trim().split(' '), '--help']);
      expect(help.code, command).toBe(EXIT.ok);
      expect(help.stdout, command).toContain(`Usage: roomcast ${command.trim()}`);
    }
    expect((await run(['media-stream', '-h'])).stdout).toContain('Usage: roomcast media-stream <start|get|pause|resume|stop|list>');
    expect((await run([])).code).toBe(EXIT.usage);
  });

  it('token mints locally a JWT the server would accept, printing only the token', async () => {
    const result = await run(['token', '--room', 'standup', '--identity', 'alice', '--role', 'moderator', '--ttl', '120', '--capability', 'publish']);
    expect(result.code).toBe(EXIT.ok);
    const { payload } = await jwtVerify(result.stdout.trim(), new TextEncoder().encode('api-secret-value'), { issuer: 'key' });
    expect(payload).toMatchObject({ sub: 'alice', room: 'standup', role: 'moderator', capabilities: ['publish'] });
    expect(payload.exp! - payload.iat!).toBe(120);
    expect(result.stdout + result.stderr).not.toContain('api-secret-value');
  });

  it('secrets come from stdin or a file, never from a literal flag value, and are never printed', async () => {
    const literal = await run(['broadcast', 'start', '--room', 'r', '--name', 'yt', '--stream-url', 'rtmp://h/app', '--key', 'sk-live-123']);
    expect(literal.code).toBe(EXIT.usage);
    expect(literal.stderr).not.toContain('sk-live-123');
    expect(literal.calls).toEqual([]);

    const piped = await run(['broadcast', 'start', '--room', 'r', '--name', 'yt', '--stream-url', 'rtmp://h/app', '--key', '-', '--layout', '{"name":"grid"}'], { stdin: 'sk-live-123\n' });
    expect(piped.code).toBe(EXIT.ok);
    expect(piped.calls).toEqual([['rtmp.start', 'r', { broadcasts: [{ name: 'yt', stream_url: 'rtmp://h/app', stream_key: 'sk-live-123' }], layout: { name: 'grid' } }]]);
    expect(piped.stdout + piped.stderr).not.toContain('sk-live-123');

    const fromFile = await run(['rooms', 'list', '--api-secret', '@/run/secret'], { env: { ROOMCAST_URL: 'http://h:1', ROOMCAST_API_KEY: 'k' }, files: { '/run/secret': 'file-secret\n' } });
    expect(fromFile.clientOptions).toEqual([{ url: 'http://h:1', apiKey: 'k', apiSecret: 'file-secret' }]);
    expect((await run(['rooms', 'list', '--api-secret', 'plain'])).code).toBe(EXIT.usage);
  });

  it('broadcast stop stops one by name, or all without --name', async () => {
    expect((await run(['broadcast', 'stop', '--room', 'r', '--name', 'yt'])).calls).toEqual([['rtmp.stop', 'r', 'yt']]);
    expect((await run(['broadcast', 'stop', '--room', 'r'])).calls).toEqual([['rtmp.stopAll', 'r']]);
  });

  it('layout set sends a name or a JSON layout', async () => {
    expect((await run(['layout', 'set', '--room', 'r', '--layout', 'grid'])).calls).toEqual([['egress.setLayout', 'r', 'grid']]);
    const json = await run(['layout', 'set', '--room', 'r', '--layout', '{"name":"spotlight","options":{"labels":true}}']);
    expect(json.calls).toEqual([['egress.setLayout', 'r', { name: 'spotlight', options: { labels: true } }]]);
    expect((await run(['layout', 'set', '--room', 'r', '--layout', '{oops'])).code).toBe(EXIT.usage);
  });

  it('live-stream start maps flags onto the request body', async () => {
    const result = await run(['live-stream', 'start', '--room', 'r', '--quality', '720p', '--rendition', '720p', '--rendition', '360p', '--record', '--layout', 'spotlight']);
    expect(result.calls).toEqual([['live.start', 'r', { quality: '720p', renditions: ['720p', '360p'], layout: 'spotlight', recording: { hls_vod: true } }]]);
  });

  it('media-stream pause and recordings delete take the id as their argument', async () => {
    expect((await run(['media-stream', 'pause', 'ms_1'])).calls).toEqual([['media.pause', 'ms_1']]);
    const deleted = await run(['recordings', 'delete', 'rec_1', '--json']);
    expect(deleted.calls).toEqual([['recordings.delete', 'rec_1']]);
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted: 'rec_1' });
  });
});
