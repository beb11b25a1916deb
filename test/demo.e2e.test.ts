import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { demoArtifacts, joinFromLobby, remoteTile, SLOW, unlabelledControls, videoPlaying, waitConnected } from './support/demoPage.js';
import { probeStream } from './support/ffprobe.js';
import { type RtmpServer, startRtmpServer } from './support/rtmpServer.js';

const ROOM = 'demo-e2e';
const STREAM_KEY = 'sk_demo_never_echo_5d1c';
const PHONE = { width: 390, height: 844 };

describe('demo meeting app (real Chromium, fake devices)', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let rtmp: RtmpServer;
  let alice: Page;
  let bob: Page;
  let carol: Page;
  const artifact = demoArtifacts();

  beforeAll(async () => {
    rtmp = await startRtmpServer();
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rtmp?.stop();
  });

  it('lobby: dev-mode form, camera preview with device lists, labelled controls', async () => {
    alice = await browser.newPage();
    await alice.goto(`${server.url}/`);
    await alice.locator('#lobby-form[data-mode="dev"]').waitFor(SLOW);
    expect(await alice.inputValue('#lobby-room')).toMatch(/^[a-z]+-[a-z]+-\d{4}$/);
    await expect.poll(() => alice.locator('#preview-video').evaluate((v: HTMLVideoElement) => v.videoWidth), SLOW).toBeGreaterThan(0);
    await expect.poll(() => alice.locator('#camera-select option').count(), SLOW).toBeGreaterThan(0);
    expect(await alice.locator('#microphone-select option').count()).toBeGreaterThan(0);
    // The fake microphone beeps: the level meter moves.
    await expect.poll(() => alice.locator('#mic-level').evaluate((m: HTMLMeterElement) => m.value), SLOW).toBeGreaterThan(0);
    expect(await alice.isVisible('input[name="role"][value="moderator"]')).toBe(true);
    expect(await unlabelledControls(alice)).toEqual([]);
    await alice.fill('#lobby-name', 'Alice');
    await alice.screenshot({ path: artifact('lobby.png') });

    const phone = await browser.newPage();
    await phone.setViewportSize(PHONE);
    await phone.goto(`${server.url}/`);
    await phone.locator('#lobby-form[data-mode="dev"]').waitFor(SLOW);
    await expect.poll(() => phone.locator('#preview-video').evaluate((v: HTMLVideoElement) => v.videoWidth), SLOW).toBeGreaterThan(0);
    await phone.screenshot({ path: artifact('lobby-phone.png'), fullPage: true });
    await phone.close();
  });

  it('lobby → join → sees a second participant; mute and camera toggles show on the other side', async () => {
    await joinFromLobby(alice, server.url, { name: 'Alice', room: ROOM, role: 'moderator' });
    // Bob turns his camera off in the lobby: he joins without it, and starts it in the meeting.
    bob = await browser.newPage();
    await bob.goto(`${server.url}/`);
    await bob.locator('#lobby-form[data-mode="dev"]').waitFor(SLOW);
    await bob.click('#preview-camera');
    await bob.locator('#preview-placeholder', { hasText: 'Camera is off' }).waitFor(SLOW);
    await joinFromLobby(bob, server.url, { name: 'Bob', room: ROOM, role: 'participant' });

    const bobOnAlice = remoteTile(alice, 'Bob');
    const aliceOnBob = remoteTile(bob, 'Alice');
    await expect.poll(() => bobOnAlice.getAttribute('data-camera-off'), SLOW).toBe('true');
    expect(await bob.textContent('#toggle-camera')).toContain('Start video');
    await bob.click('#toggle-camera');
    await expect.poll(() => videoPlaying(bobOnAlice), SLOW).toBe(true);
    expect(await bobOnAlice.getAttribute('data-camera-off')).toBeNull();
    await expect.poll(() => videoPlaying(aliceOnBob), SLOW).toBe(true);
    await alice.locator('.toast', { hasText: 'Bob joined' }).waitFor(SLOW);
    expect(await bobOnAlice.getAttribute('data-mic-muted')).toBeNull();

    await bob.click('#toggle-microphone');
    await expect.poll(() => bobOnAlice.getAttribute('data-mic-muted'), SLOW).toBe('true');
    expect(await bobOnAlice.locator('.tile-mic').isVisible()).toBe(true);
    expect(await bob.textContent('#toggle-microphone')).toContain('Unmute');
    await bob.click('#toggle-camera');
    await expect.poll(() => bobOnAlice.getAttribute('data-camera-off'), SLOW).toBe('true');
    expect(await bobOnAlice.locator('.tile-avatar').isVisible()).toBe(true);

    // The people panel says so too, for Bob as Alice sees him.
    await alice.click('#toggle-people');
    const bobInList = alice.locator('#people-list li', { hasText: 'Bob' });
    await expect.poll(() => bobInList.locator('[aria-label="microphone muted"]').count(), SLOW).toBe(1);
    expect(await bobInList.locator('[aria-label="camera off"]').count()).toBe(1);
    await alice.screenshot({ path: artifact('meeting-people.png') });
    await alice.click('#toggle-people');

    await bob.click('#toggle-microphone');
    await bob.click('#toggle-camera');
    await expect.poll(() => bobOnAlice.getAttribute('data-mic-muted'), SLOW).toBeNull();
    await expect.poll(() => bobOnAlice.getAttribute('data-camera-off'), SLOW).toBeNull();
    await expect.poll(() => videoPlaying(bobOnAlice), SLOW).toBe(true);
    // Connection quality is measured from WebRTC stats within a few seconds.
    await expect.poll(() => bobOnAlice.getAttribute('data-quality'), SLOW).toMatch(/^(good|fair|poor)$/);

    // Someone speaks (the fake microphones beep): the active speaker's tile is highlighted.
    await expect.poll(() => alice.locator('#stage .tile[data-speaking]').count(), SLOW).toBe(1);
    await alice.screenshot({ path: artifact('meeting.png') });
  });

  it('a screen share gets its own tile, which the spotlight view shows large', async () => {
    await bob.click('#toggle-screen');
    const bobsScreen = alice.locator('#stage figure[data-screen-of]');
    await expect.poll(() => videoPlaying(bobsScreen), SLOW).toBe(true);
    expect(await bobsScreen.getAttribute('aria-label')).toBe('Bob’s screen');
    await alice.click('#toggle-view');
    expect(await alice.getAttribute('#toggle-view', 'aria-pressed')).toBe('true');
    await expect.poll(() => bobsScreen.evaluate((tile) => tile.classList.contains('spotlit')), SLOW).toBe(true);
    await alice.screenshot({ path: artifact('meeting-spotlight.png') });
    await bob.click('#toggle-screen');
    await expect.poll(() => bobsScreen.count(), SLOW).toBe(0);
    await alice.click('#toggle-view');
    expect(await alice.locator('#stage .tile.spotlit').count()).toBe(0);
  });

  it('the control room broadcasts to nginx-rtmp, shows it live, then stops it', async () => {
    await alice.click('#toggle-control-room');
    expect(await unlabelledControls(alice)).toEqual([]);
    await alice.fill('#destination-name', 'e2e');
    await alice.fill('#destination-url', rtmp.appUrl());
    await alice.fill('#destination-key', STREAM_KEY);
    await alice.click('#destination-form button[type="submit"]');
    expect(await alice.inputValue('#destination-key')).toBe('');
    await alice.locator('#destination-list li[data-draft="e2e"]', { hasText: 'Stream key set' }).waitFor(SLOW);
    await alice.selectOption('#broadcast-quality', '360p');
    await alice.selectOption('#broadcast-layout', 'grid');
    await alice.click('#broadcast-start');

    const item = alice.locator('#destination-list li[data-broadcast="e2e"]');
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 60_000, interval: 500 }).toBe('live');
    await expect.poll(async () => (await rtmp.liveStreams()).includes(STREAM_KEY), SLOW).toBe(true);
    const probe = await probeStream(rtmp.rtmpUrl(STREAM_KEY), { analyzeDurationMs: 3000, timeoutMs: 30_000 });
    expect(probe.video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    expect(probe.audio?.codec).toBe('aac');
    await alice.locator('.toast', { hasText: 'Broadcast “e2e” is live' }).waitFor(SLOW);
    expect(await alice.textContent('#broadcast-summary')).toContain('On air');
    expect(await bob.isVisible('#on-air')).toBe(true); // Everyone sees the room is on air.
    expect(await alice.content()).not.toContain(STREAM_KEY);

    // The layout editor names a bad field instead of sending it.
    await alice.fill('#layout-logo-url', 'ftp://logo.example/l.png');
    await alice.click('#layout-apply');
    expect(await alice.textContent('#layout-error')).toContain('logo.url');
    await alice.fill('#layout-logo-url', '');
    // The layout editor changes the running composite: pin Bob, set a banner, apply live.
    await alice.locator('#layout-pins label', { hasText: 'Bob' }).locator('input').check();
    await alice.fill('#layout-banner', 'Live from e2e');
    await alice.click('#layout-apply');
    await alice.locator('#layout-status', { hasText: 'Applied' }).waitFor(SLOW);
    const { room } = (await (await server.api(`/v1/rooms/${ROOM}`)).json()) as { room: { egress: { layout: unknown } } };
    expect(room.egress.layout).toMatchObject({ name: 'grid', options: { banner: { text: 'Live from e2e' }, pinned: [expect.any(String)] } });
    expect(await alice.textContent('#layout-preview-hint')).toContain('needs the HLS live stream');

    await alice.setViewportSize({ width: 1100, height: 1000 }); // Tall enough for the whole panel.
    await alice.locator('#sidebar').evaluate((sidebar) => sidebar.scrollTo(0, 0));
    await alice.screenshot({ path: artifact('control-room.png') });

    await alice.setViewportSize(PHONE);
    await alice.keyboard.press('Escape'); // Closes the panel, focus back on its toggle.
    expect(await alice.evaluate(() => document.activeElement?.id)).toBe('toggle-control-room');
    await alice.screenshot({ path: artifact('meeting-phone.png') });
    await alice.keyboard.press('Enter'); // Opens it again, from the keyboard.
    expect(await alice.evaluate(() => document.activeElement?.id)).toBe('control-room-heading');
    await alice.screenshot({ path: artifact('control-room-phone.png') });
    await alice.setViewportSize({ width: 960, height: 600 });

    await alice.click('#destination-list [data-stop="e2e"]');
    await expect.poll(() => item.count(), SLOW).toBe(0);
    await expect.poll(async () => (await rtmp.liveStreams()).includes(STREAM_KEY), SLOW).toBe(false);
    await alice.locator('.toast', { hasText: 'Broadcast “e2e” stopped' }).waitFor(SLOW);
    await expect.poll(() => alice.textContent('#broadcast-summary'), SLOW).toBe('Off air');
    expect(server.sfu.room(ROOM).egress.broadcasting).toBe(false);
  });

  it('the deep link joins at once with camera and microphone', async () => {
    const token = await server.participantToken(ROOM, 'carol');
    carol = await browser.newPage();
    await carol.goto(`${server.url}/?room=${ROOM}&token=${encodeURIComponent(token)}&autojoin=1`);
    await waitConnected(carol);
    await expect.poll(() => videoPlaying(remoteTile(carol, 'Alice')), SLOW).toBe(true);
    await expect.poll(() => videoPlaying(remoteTile(alice, 'carol')), SLOW).toBe(true);
    const carolInfo = () => server.sfu.room(ROOM).info().participants.find((p) => p.identity === 'carol');
    await expect.poll(() => carolInfo()?.producers.map((p) => p.source).sort(), SLOW).toEqual(['camera', 'microphone']);
  });

  it('shows a reconnecting banner when the connection drops, and recovers', async () => {
    // Records what the page showed at each state change: the banner may be up for only a moment.
    await alice.evaluate(() => {
      const page = window as unknown as { seen: string[]; roomcast: { on(event: string, listener: (state: string) => void): void } };
      page.seen = [];
      page.roomcast.on('connectionStateChanged', (state) => page.seen.push(`${state}:${document.getElementById('reconnecting')!.hidden ? 'no-banner' : 'banner'}`));
    });
    for (const socket of server.app.websocketServer.clients) socket.terminate(); // Every signaling socket drops.
    await expect.poll(() => alice.evaluate(() => (window as unknown as { seen: string[] }).seen), SLOW).toEqual(['reconnecting:banner', 'connected:no-banner']);
    await alice.locator('.toast', { hasText: 'Reconnected' }).waitFor(SLOW);
    expect(await alice.isVisible('#reconnecting')).toBe(false);
    await waitConnected(carol);
    await expect.poll(() => videoPlaying(remoteTile(alice, 'carol')), SLOW).toBe(true);
    await expect.poll(() => videoPlaying(remoteTile(alice, 'Bob')), SLOW).toBe(true);
  });

  it('a viewer joins from the lobby without camera or microphone, and only the people list shows them', async () => {
    const viewer = await browser.newPage();
    await viewer.goto(`${server.url}/`);
    await viewer.locator('#lobby-form[data-mode="dev"]').waitFor(SLOW);
    await viewer.check('input[name="role"][value="viewer"]');
    expect(await viewer.isVisible('#preview-video')).toBe(false); // No preview: nothing is captured.
    await joinFromLobby(viewer, server.url, { name: 'Vic', room: ROOM, role: 'viewer' });
    await expect.poll(() => videoPlaying(remoteTile(viewer, 'Alice')), SLOW).toBe(true);
    expect(await viewer.isVisible('#toggle-microphone')).toBe(false);
    expect(await viewer.isVisible('#toggle-control-room')).toBe(false);
    expect(await viewer.locator('#stage [data-local]').count()).toBe(0);
    await alice.click('#toggle-people');
    await alice.locator('#people-list li', { hasText: 'Vic' }).filter({ hasText: 'viewer' }).waitFor(SLOW);
    expect(await alice.locator('#stage [aria-label="Vic"]').count()).toBe(0);
    await alice.click('#toggle-people');
    await viewer.close();
  });

  it('toasts when people leave; leaving returns to the lobby', async () => {
    await bob.close();
    await alice.locator('.toast', { hasText: 'Bob left' }).waitFor(SLOW);
    await carol.click('#leave');
    await carol.locator('#lobby').waitFor({ state: 'visible', ...SLOW });
    await carol.locator('.toast', { hasText: 'You left the meeting.' }).waitFor(SLOW);
    await carol.close();
  });

  it('without dev mode the lobby asks for a token, and it joins with one', async () => {
    const real = await startTestServer({ ROOMCAST_API_KEY: 'demo-e2e-key', ROOMCAST_API_SECRET: 'demo-e2e-secret-0123456789' });
    const page = await browser.newPage();
    try {
      await page.goto(`${real.url}/`);
      await page.locator('#lobby-form[data-mode="token"]').waitFor(SLOW);
      expect(await page.isVisible('input[name="role"][value="moderator"]')).toBe(false);
      await page.fill('#lobby-token', await real.participantToken('backend-room', 'dana'));
      await page.click('#lobby-join');
      await waitConnected(page);
      await expect.poll(() => page.textContent('#room-name'), SLOW).toBe('backend-room');
      await page.click('#leave');
      await expect.poll(() => real.sfu.rooms.get('backend-room')?.participants.size ?? 0, SLOW).toBe(0);
    } finally {
      // The page first: a failed step must not leave a browser connected to a closing server.
      await page.close();
      await real.close();
    }
  });
});
