import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomInfo } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import {
  createConsumerProject,
  outsideEnv,
  packPackages,
  run,
  repoRoot,
  runNodeScript,
  serveStatic,
  startNodeProcess,
  tscBin,
  viteBin,
  type ConsumerProject,
} from './support/consumerProject.js';
import { freePort, waitFor } from './support/ports.js';

/*
 * The packages as a user gets them: scripts/pack.sh makes the three tarballs, npm installs them
 * into an empty project under the OS temp dir (no workspace above it), and everything below runs
 * there, against a real server started in this process.
 */

const API_KEY = 'packkey';
const API_SECRET = 'packed-packages-api-secret';
const WEBHOOK_SECRET = 'packed-packages-webhook-secret';
const fixture = (name: string): string => new URL(`./packaging/${name}`, import.meta.url).pathname;

let packDir: string;
let project: ConsumerProject;
let server: TestServer;
let webhookPort: number;

beforeAll(async () => {
  packDir = await mkdtemp(join(tmpdir(), 'roomcast-packed-'));
  const tarballs = await packPackages(packDir);
  // @types/node as a real backend would have; everything else comes from the tarballs.
  project = await createConsumerProject([tarballs.protocol, tarballs.client, tarballs['server-sdk'], '@types/node@20']);
  for (const name of ['sdk-roundtrip.mjs', 'mint-token.mjs', 'index.html', 'page.mts', 'consumer.mts']) {
    await copyFile(fixture(name), join(project.dir, name));
  }
  webhookPort = await freePort();
  server = await startTestServer({
    ROOMCAST_API_KEY: API_KEY,
    ROOMCAST_API_SECRET: API_SECRET,
    // The SDK script's receiver and then examples/node-backend listen there, one after the other.
    WEBHOOK_URLS: `http://127.0.0.1:${webhookPort}/webhooks`,
    WEBHOOK_SECRET,
  });
}, 480_000);

afterAll(async () => {
  await server?.close();
  await project?.remove();
  if (packDir) await rm(packDir, { recursive: true, force: true });
});

const credentials = (): Record<string, string> => ({
  ROOMCAST_URL: server.url,
  ROOMCAST_API_KEY: API_KEY,
  ROOMCAST_API_SECRET: API_SECRET,
});

describe('packed packages installed with npm outside the workspace', () => {
  it('install from the tarballs: versions instead of workspace:*, no private flag, only dist and docs', async () => {
    const read = async (name: string): Promise<Record<string, unknown>> =>
      JSON.parse(await readFile(join(project.dir, 'node_modules', name, 'package.json'), 'utf8'));
    for (const name of ['@roomcast/protocol', '@roomcast/client', '@roomcast/server-sdk']) {
      const manifest = await read(name);
      expect(manifest.private, name).toBeUndefined();
      expect(JSON.stringify(manifest.dependencies ?? {}), name).not.toContain('workspace:');
      const listing = await run('find', ['.', '-type', 'f', '-not', '-path', './node_modules/*'], { cwd: join(project.dir, 'node_modules', name) });
      const files = listing.stdout.trim().split('\n').sort();
      expect(files, name).toContain('./README.md');
      expect(files, name).toContain('./LICENSE');
      expect(files.filter((file) => !/^\.\/(dist\/.*\.(js|d\.ts)|README\.md|LICENSE|package\.json)$/.test(file)), name).toEqual([]);
    }
  });

  it('the server SDK creates a room, mints tokens, reads it back and verifies a real webhook (rejecting a tampered one)', async () => {
    const room = `sdk-${Date.now().toString(36)}`;
    const result = await runNodeScript('sdk-roundtrip.mjs', project.dir, {
      ...credentials(),
      WEBHOOK_SECRET,
      WEBHOOK_PORT: String(webhookPort),
      ROOM: room,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const seen = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(seen).toMatchObject({
      created: room,
      readBack: { name: room, participants: 0 },
      tokenSegments: 3,
      serverTokenSegments: 3,
      missing: { thrown: true, status: 404, code: 'room_not_found' },
      event: { type: 'room.started', room_id: room },
      tamperedDiffers: true,
      tampered: { rejected: true, reason: 'signature_invalid', code: 'unauthorized' },
      wrongSecret: { rejected: true, reason: 'signature_invalid' },
    });
    // The room the SDK made is the server's, with the settings the API reports.
    const response = await server.api(`/v1/rooms/${room}`);
    expect(response.status).toBe(200);
  });

  it('CommonJS code can require() the server SDK (Node 20.19+ loads ESM from require)', async () => {
    const script = "const sdk = require('@roomcast/server-sdk'); console.log([typeof sdk.AccessToken, typeof sdk.RoomcastClient, typeof sdk.WebhookReceiver].join(','))";
    const result = await run(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('function,function,function');
  });

  it('the roomcast CLI lists rooms as JSON and exits with a code that says what failed', async () => {
    const room = `cli-${Date.now().toString(36)}`;
    expect((await server.api('/v1/rooms', { method: 'POST', body: { name: room } })).status).toBe(201);
    const env = outsideEnv(credentials());
    const listed = await run('npx', ['--no', '--', 'roomcast', 'rooms', 'list', '--json'], { cwd: project.dir, env });
    expect(listed.code, listed.stderr).toBe(0);
    const { rooms } = JSON.parse(listed.stdout) as { rooms: RoomInfo[] };
    expect(rooms.map((r) => r.name)).toContain(room);

    const missing = await run('npx', ['--no', '--', 'roomcast', 'rooms', 'get', `${room}-missing`, '--json'], { cwd: project.dir, env });
    expect(missing.code).toBe(2); // the server refused (4xx)
    const unconfigured = await run('npx', ['--no', '--', 'roomcast', 'rooms', 'list'], { cwd: project.dir, env: outsideEnv() });
    expect(unconfigured.code).toBe(4); // ROOMCAST_URL and credentials missing
    const help = await run('npx', ['--no', '--', 'roomcast', '--help'], { cwd: project.dir, env: outsideEnv() });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('rooms list');
  });

  it('public types of all three packages resolve from the tarballs (tsc on a consumer file)', async () => {
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023', 'DOM'],
        strict: true, noEmit: true, types: ['node'],
      },
      files: ['consumer.mts'],
    };
    await writeFile(join(project.dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const result = await run(process.execPath, [tscBin, '-p', 'tsconfig.json'], { cwd: project.dir });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('examples/node-backend mints tokens and logs verified webhooks from the server, refusing forged ones', async () => {
    await copyFile(join(repoRoot, 'examples/node-backend/server.js'), join(project.dir, 'backend.js'));
    const backend = startNodeProcess('backend.js', project.dir, {
      ROOMCAST_API_KEY: API_KEY,
      ROOMCAST_API_SECRET: API_SECRET,
      WEBHOOK_SECRET,
      HOST: '127.0.0.1',
      PORT: String(webhookPort),
    });
    try {
      expect(await waitFor(() => backend.output().includes('backend on'), 10_000), backend.output()).toBe(true);
      const base = `http://127.0.0.1:${webhookPort}`;
      const room = `backend-${Date.now().toString(36)}`;
      const minted = await fetch(`${base}/token`, { method: 'POST', body: JSON.stringify({ room, identity: 'alice' }) });
      expect(minted.status).toBe(200);
      expect(((await minted.json()) as { token: string }).token.split('.')).toHaveLength(3);
      expect((await fetch(`${base}/token`, { method: 'POST', body: JSON.stringify({ room: 'no spaces!', identity: 'alice' }) })).status).toBe(400);

      expect((await server.api('/v1/rooms', { method: 'POST', body: { name: room } })).status).toBe(201);
      const logged = await waitFor(() => backend.output().includes(`webhook room.started room=${room}`), 15_000);
      expect(logged, backend.output()).toBe(true);
      const forged = await fetch(`${base}/webhooks`, {
        method: 'POST',
        headers: { 'roomcast-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
        body: JSON.stringify({ id: 'x', type: 'room.ended', created_at: new Date().toISOString(), room_id: room, data: {} }),
      });
      expect(forged.status).toBe(401);
      expect(backend.output()).not.toContain('webhook room.ended');
    } finally {
      await backend.stop();
    }
  });

  describe('a page bundled from the installed @roomcast/client', () => {
    let browser: TestBrowser | undefined;
    afterAll(async () => {
      await browser?.close();
    });

    it('joins a room in Chromium with a token from the server SDK', async () => {
      const build = await run(process.execPath, [viteBin, 'build', '--outDir', 'dist', '--emptyOutDir', '--logLevel', 'warn'], { cwd: project.dir });
      expect(build.code, build.stderr).toBe(0);
      const room = `page-${Date.now().toString(36)}`;
      expect((await server.api('/v1/rooms', { method: 'POST', body: { name: room } })).status).toBe(201);
      const minted = await runNodeScript('mint-token.mjs', project.dir, { ...credentials(), ROOM: room, IDENTITY: 'page-user' });
      expect(minted.code, minted.stderr).toBe(0);

      const site = await serveStatic(join(project.dir, 'dist'));
      try {
        browser = await launchBrowser();
        const page = await browser.newPage();
        const query = new URLSearchParams({ url: server.url, token: minted.stdout.trim() });
        await page.goto(`${site.url}/?${query}`);
        await page.waitForSelector('#state[data-state="connected"]', { timeout: 30_000 });
        // The server sees the participant, and its camera and microphone arrive.
        const published = await waitFor(async () => {
          const body = (await (await server.api(`/v1/rooms/${room}`)).json()) as { room: RoomInfo };
          const participant = body.room.participants.find((p) => p.identity === 'page-user');
          return (participant?.producers.map((p) => p.source).sort().join(',') ?? '') === 'camera,microphone';
        }, 20_000);
        expect(published).toBe(true);
      } finally {
        await site.close();
      }
    });
  });
});
