import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SyntheticPublisher } from '@roomcast/egress';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';

/** Remote videos on the page that are playing decoded frames: `{participantId: framesDecoded}`. */
async function remoteVideoFrames(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const frames: Record<string, number> = {};
    for (const tile of Array.from(document.querySelectorAll<HTMLElement>('[data-participant-id]'))) {
      const video = tile.querySelector('video');
      const decoded = video?.getVideoPlaybackQuality().totalVideoFrames ?? 0;
      if (video && video.videoWidth > 0) frames[tile.dataset.participantId!] = decoded;
    }
    return frames;
  });
}

async function openDeepLink(browser: TestBrowser, server: TestServer, room: string, identity: string): Promise<Page> {
  const token = await server.participantToken(room, identity);
  const page = await browser.newPage();
  await page.goto(`${server.url}/?room=${room}&token=${encodeURIComponent(token)}&autojoin=1`);
  return page;
}

describe('browsers in a room (real Chromium with fake devices)', () => {
  let server: TestServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('two participants join through the deep link and each decodes the other', async () => {
    const alice = await openDeepLink(browser, server, 'meet', 'alice');
    const bob = await openDeepLink(browser, server, 'meet', 'bob');
    const participants = () => server.sfu.room('meet').info().participants;
    await expect.poll(() => participants().length, { timeout: 20_000 }).toBe(2);
    const ids = Object.fromEntries(participants().map((p) => [p.identity, p.id]));

    await expect.poll(async () => (await remoteVideoFrames(alice))[ids.bob!] ?? 0, { timeout: 30_000 }).toBeGreaterThan(10);
    await expect.poll(async () => (await remoteVideoFrames(bob))[ids.alice!] ?? 0, { timeout: 30_000 }).toBeGreaterThan(10);

    const rest = (await (await server.api('/v1/rooms/meet')).json()) as {
      room: { participants: Array<{ identity: string; producers: Array<{ kind: string; source: string }> }> };
    };
    for (const participant of rest.room.participants) {
      expect(participant.producers.map((p) => `${p.kind}:${p.source}`).sort(), participant.identity).toEqual(['audio:microphone', 'video:camera']);
    }
    await bob.close();
    await expect.poll(() => participants().map((p) => p.identity), { timeout: 10_000 }).toEqual(['alice']);
    await alice.close();
  });

  it('a browser receives a synthetic publisher', async () => {
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'synthetic' } });
    const bot = await SyntheticPublisher.start(server.sfu.room('synthetic'), { identity: 'bot', name: 'Bot' });
    try {
      const viewer = await openDeepLink(browser, server, 'synthetic', 'watcher');
      await expect.poll(async () => (await remoteVideoFrames(viewer))[bot.participant.id] ?? 0, { timeout: 30_000 }).toBeGreaterThan(10);
      await viewer.close();
    } finally {
      await bot.stop();
    }
  });
});
