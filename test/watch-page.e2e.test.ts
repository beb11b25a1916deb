import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SyntheticPublisher } from '@roomcast/egress';
import type { LiveStreamInfo } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { demoArtifacts, SLOW, waitConnected } from './support/demoPage.js';

const ROOM = 'watch-e2e';

/** The `<video>`'s playback position: it advances only while frames are decoded and shown. */
const currentTime = (page: Page, selector: string): Promise<number> => page.locator(selector).evaluate((video: HTMLVideoElement) => video.currentTime);

describe('HLS in the demo: the audience page /watch/:id and the control room panel (real Chromium, hls.js)', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let publisher: SyntheticPublisher;
  const artifact = demoArtifacts();

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    await server.api('/v1/rooms', { method: 'POST', body: { name: ROOM } });
    publisher = await SyntheticPublisher.start(server.sfu.room(ROOM), { identity: 'alice', name: 'Alice' }); // 320x240 by default
  });
  afterAll(async () => {
    await browser?.close();
    await publisher?.stop();
    await server?.close();
  });

  it('serves the watch page for a well-formed id only, without credentials', async () => {
    const page = await fetch(`${server.url}/watch/AAAAAAAAAAAAAAAAAAAAAA`);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await page.text()).toContain('id="watch-video"');
    for (const path of ['/watch/not.an.id', `/watch/${'a'.repeat(65)}`, '/watch/a%2Fb']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code, path).toBe('not_found');
    }
  });

  it('plays a live stream for the audience, says live, and says when it ended', async () => {
    const response = await server.api(`/v1/rooms/${ROOM}/live_streams`, { method: 'POST', body: { quality: '360p' } });
    expect(response.status).toBe(201);
    const stream = (await response.json()) as LiveStreamInfo;
    const viewer = await browser.newPage();
    await viewer.goto(`${server.url}/watch/${stream.id}`);
    await expect.poll(() => currentTime(viewer, '#watch-video'), SLOW).toBeGreaterThan(0.5);
    const first = await currentTime(viewer, '#watch-video');
    await expect.poll(() => currentTime(viewer, '#watch-video'), SLOW).toBeGreaterThan(first + 1);
    expect(await viewer.textContent('#watch-badge')).toBe('Live');
    await expect.poll(() => viewer.textContent('#watch-latency'), SLOW).toMatch(/^\d+\.\d s behind live$/);
    await viewer.screenshot({ path: artifact('watch-live.png') });

    expect((await server.api(`/v1/live_streams/${stream.id}/stop`, { method: 'POST' })).status).toBe(200);
    await expect.poll(() => viewer.getAttribute('#watch-badge', 'data-state'), SLOW).toBe('ended');
    expect(await viewer.textContent('#watch-message')).toContain('The live stream has ended');
    await viewer.screenshot({ path: artifact('watch-ended.png') });
    await viewer.close();
  });

  it('tells the audience when there is nothing to watch', async () => {
    const viewer = await browser.newPage();
    await viewer.goto(`${server.url}/watch/AAAAAAAAAAAAAAAAAAAAAA`);
    await expect.poll(() => viewer.getAttribute('#watch-badge', 'data-state'), SLOW).toBe('unavailable');
    expect(await viewer.textContent('#watch-message')).toContain('This live stream is not on');
    await viewer.close();
  });

  it('the control room starts a recorded HLS stream, shows it running with the monitor playing, and stops it', async () => {
    const token = await server.participantToken(ROOM, 'mod', 'moderator');
    const moderator = await browser.newPage();
    await moderator.setViewportSize({ width: 1100, height: 1000 });
    await moderator.goto(`${server.url}/?room=${ROOM}&token=${encodeURIComponent(token)}&autojoin=1`);
    await waitConnected(moderator);
    await moderator.click('#toggle-control-room');
    expect(await moderator.textContent('#live-stream-status')).toBe('Off');
    await moderator.selectOption('#broadcast-quality', '360p');
    await moderator.check('#live-stream-record');
    await moderator.check('#live-stream-record-mp4');
    await moderator.click('#live-stream-start');

    await expect.poll(() => moderator.getAttribute('#live-streams', 'data-status'), SLOW).toBe('running');
    expect(await moderator.textContent('#live-stream-status')).toBe('Live');
    const { id, recording, renditions } = server.sfu.room(ROOM).egress.live_streams[0]!;
    expect([recording.hls_vod, recording.mp4, renditions]).toEqual([true, true, ['360p']]);
    expect(await moderator.inputValue('#live-stream-url')).toBe(`${server.url}/hls/${id}/master.m3u8`);
    expect(await moderator.getAttribute('#live-stream-watch', 'href')).toBe(`${server.url}/watch/${id}`);
    await expect.poll(() => currentTime(moderator, '#live-stream-video'), SLOW).toBeGreaterThan(0.5);
    const first = await currentTime(moderator, '#live-stream-video');
    await expect.poll(() => currentTime(moderator, '#live-stream-video'), SLOW).toBeGreaterThan(first + 1);
    await expect.poll(() => moderator.textContent('#live-stream-latency'), SLOW).toMatch(/s behind live$/);
    await moderator.locator('#live-streams').scrollIntoViewIfNeeded();
    await moderator.screenshot({ path: artifact('control-room-hls.png') });

    await moderator.click('#live-stream-stop');
    await expect.poll(() => moderator.getAttribute('#live-streams', 'data-status'), SLOW).toBe('stopped');
    expect(await moderator.isVisible('#live-stream-monitor')).toBe(false);
    expect(server.sfu.room(ROOM).egress.live_streams).toEqual([]);
    // The recordings list: both assets with their duration and size, each link downloads the file.
    const assets = moderator.locator(`#live-stream-recording-list [data-id="${id}"] .recording-asset`);
    await expect.poll(() => assets.count(), SLOW).toBe(2);
    const listed = await assets.evaluateAll((items) =>
      items.map((item) => ({ type: (item as HTMLElement).dataset.type, href: item.querySelector('a')!.href, details: item.textContent })));
    expect(listed.map((a) => a.type).sort()).toEqual(['hls_vod', 'mp4']);
    for (const asset of listed) {
      expect(asset.details).toMatch(/\d+:\d\d · [\d.]+ (B|KB|MB)$/);
      const file = await fetch(asset.href);
      expect([file.status, file.headers.get('content-type')], asset.href).toEqual([200, asset.type === 'mp4' ? 'video/mp4' : 'application/vnd.apple.mpegurl']);
      await file.arrayBuffer();
    }
    await moderator.locator('#live-stream-recordings').scrollIntoViewIfNeeded();
    await moderator.screenshot({ path: artifact('control-room-recordings.png') });
    await moderator.close();

    // Recorded: the playlist now ends with EXT-X-ENDLIST, and the audience page says it ended.
    const viewer = await browser.newPage();
    await viewer.goto(`${server.url}/watch/${id}`);
    await expect.poll(() => viewer.getAttribute('#watch-badge', 'data-state'), SLOW).toBe('ended');
    await viewer.close();
  });
});
