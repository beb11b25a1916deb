import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaStreamClient, type SessionStateUpdate } from '@roomcast/media-stream-client';
import type { MediaStreamInfo } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { demoArtifacts, SLOW, waitConnected } from './support/demoPage.js';
import { waitFor } from './support/ports.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhookReceiver.js';

const APP = { id: 'notes', client_id: 'notes-demo-client', client_secret: 'notes_demo_client_secret_0123456789' };
const ROOM = 'rtms-demo';

/**
 * People know (issue 11, point 9): in the demo, everyone sees which app receives the meeting and
 * what media, with its state; moderators control it and answer requests; a participant keeps their
 * own media out. Real server, real app client, real Chromium with fake devices.
 */
describe('demo: media streams to apps (real Chromium, real app client)', () => {
  let server: TestServer;
  let hooks: WebhookReceiver;
  let browser: TestBrowser;
  let moderator: Page;
  let participant: Page;
  const clients: MediaStreamClient[] = [];
  const artifact = demoArtifacts();

  const open = async (identity: string, role: 'moderator' | 'participant'): Promise<Page> => {
    const token = await server.participantToken(ROOM, identity, role);
    const page = await browser.newPage();
    await page.goto(`${server.url}/?room=${ROOM}&token=${encodeURIComponent(token)}&autojoin=1`);
    await waitConnected(page);
    return page;
  };
  /** The app answers the signed webhook and connects, as a real app would: the stream goes STARTED. */
  const connectApp = async (stream: MediaStreamInfo): Promise<MediaStreamClient> => {
    const started = () => hooks.received.find((h) => h.event.type === 'media_stream.started' && h.event.data.stream_id === stream.id);
    expect(await waitFor(() => started() !== undefined, 10_000)).toBe(true);
    const client = new MediaStreamClient();
    clients.push(client);
    await client.connect({
      serverUrl: started()!.event.data.server_urls as string, roomId: ROOM, streamId: stream.id,
      clientId: APP.client_id, clientSecret: APP.client_secret, mediaTypes: ['audio'], reconnect: false,
    });
    return client;
  };
  const indicator = (page: Page) => page.locator('#media-stream-list li', { hasText: 'Streaming to notes: audio' });

  beforeAll(async () => {
    hooks = await startWebhookReceiver(APP.client_secret);
    server = await startTestServer({
      MEDIA_APPS: JSON.stringify([{ ...APP, webhook_url: hooks.url, allow: ['audio', 'transcript'] }]),
      MEDIA_STREAM_PARTICIPANT_REQUESTS: 'approval',
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    await hooks?.close();
  });

  it('shows everyone the app and its media; the moderator pauses, resumes and stops; a participant keeps their media out', async () => {
    moderator = await open('mod', 'moderator');
    participant = await open('ann', 'participant');
    expect(await moderator.isVisible('#media-streams')).toBe(false);

    const response = await server.api(`/v1/rooms/${ROOM}/media_streams`, { method: 'POST', body: { app: APP.id, audio: {} } });
    expect(response.status, await response.clone().text()).toBe(201);
    const stream = (await response.json()) as MediaStreamInfo;
    const app = await connectApp(stream);
    const sessions: SessionStateUpdate[] = [];
    app.on('sessionState', (update) => sessions.push(update));

    for (const page of [moderator, participant]) {
      await indicator(page).waitFor(SLOW);
      // A moderator sees the stream from INITIALIZE on ("Waiting for the app"); it turns Live once the
      // app's ready message (sent after connect() resolves) has reached the server.
      await expect.poll(() => indicator(page).locator('.badge').textContent(), SLOW).toBe('Live');
    }
    // Only moderators get the controls; anyone who publishes gets the consent toggle.
    expect(await indicator(moderator).locator('button[data-action="pause"]').isVisible()).toBe(true);
    expect(await indicator(participant).locator('button').count()).toBe(0);
    expect(await participant.isVisible('#media-stream-consent')).toBe(true);
    await moderator.screenshot({ path: artifact('media-streams-moderator.png') });

    await participant.check('#media-stream-consent');
    await participant.locator('.toast', { hasText: 'Your media no longer goes to apps' }).waitFor(SLOW);
    await moderator.locator('.toast', { hasText: 'ann paused their media for notes' }).waitFor(SLOW);
    expect(await waitFor(() => sessions.some((s) => s.userName === 'ann' && s.state === 'PAUSED'), 10_000)).toBe(true);
    expect(await participant.isChecked('#media-stream-consent')).toBe(true);
    await participant.uncheck('#media-stream-consent');
    expect(await waitFor(() => sessions.some((s) => s.userName === 'ann' && s.state === 'RESUMED'), 10_000)).toBe(true);

    await indicator(moderator).locator('button[data-action="pause"]').click();
    await participant.locator('#media-stream-list li[data-state="PAUSED"] .badge', { hasText: 'Paused' }).waitFor(SLOW);
    await indicator(moderator).locator('button[data-action="resume"]').click();
    await participant.locator('#media-stream-list li[data-state="RESUMED"]').waitFor(SLOW);
    await indicator(moderator).locator('button[data-action="stop"]').click();
    await participant.locator('#media-streams').waitFor({ ...SLOW, state: 'hidden' });
    expect((await (await server.api(`/v1/media_streams/${stream.id}`)).json()).state).toBe('STOPPED');
  });

  it("a participant's request prompts the moderator, whose approval starts the stream and is announced to the participant", async () => {
    await participant.click('#toggle-media-apps');
    expect(await participant.textContent('#media-stream-start')).toBe('Ask to stream');
    expect(await participant.isDisabled('#media-stream-video')).toBe(true); // The app may not receive video.
    await participant.selectOption('#media-stream-app', APP.id);
    await participant.click('#media-stream-start');
    await participant.locator('.toast', { hasText: 'Asked a moderator to stream to notes' }).waitFor(SLOW);

    const prompt = moderator.locator('.media-stream-request', { hasText: 'ann asks to stream audio to notes' });
    await prompt.waitFor(SLOW);
    await moderator.screenshot({ path: artifact('media-streams-request.png') });
    await participant.screenshot({ path: artifact('media-streams-apps-panel.png') });
    await prompt.locator('button[data-answer="approve"]').click();
    await participant.locator('.toast', { hasText: 'A moderator approved your request: streaming to notes' }).waitFor(SLOW);
    await prompt.waitFor({ ...SLOW, state: 'detached' });

    const listed = (await (await server.api(`/v1/rooms/${ROOM}/media_streams`)).json()) as { media_streams: MediaStreamInfo[] };
    const started = listed.media_streams.find((s) => s.state !== 'STOPPED' && s.started_by.identity === 'ann');
    expect(started?.started_by.type).toBe('participant');
    await connectApp(started!);
    await indicator(participant).waitFor(SLOW);
    await indicator(moderator).locator('button[data-action="stop"]').click();
    await participant.locator('#media-streams').waitFor({ ...SLOW, state: 'hidden' });
  });
});
