import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

/** Generous: two Chromiums, mediasoup and FFmpeg share two cores. */
export const SLOW = { timeout: 45_000, interval: 250 };

/** test-artifacts/demo/, created (not emptied: the folder is git-ignored and overwritten per run). */
export function demoArtifacts(): (name: string) => string {
  const dir = join(process.cwd(), 'test-artifacts', 'demo');
  mkdirSync(dir, { recursive: true });
  return (name) => join(dir, name);
}

export interface LobbyChoice {
  name: string;
  room: string;
  role: 'moderator' | 'participant' | 'viewer';
}

/** Fills the dev-mode lobby and joins; resolves once the page says `connected`. */
export async function joinFromLobby(page: Page, baseUrl: string, choice: LobbyChoice): Promise<void> {
  if (!page.url().startsWith(baseUrl)) await page.goto(`${baseUrl}/`);
  await page.locator('#lobby-form[data-mode="dev"]').waitFor(SLOW);
  await page.fill('#lobby-name', choice.name);
  await page.fill('#lobby-room', choice.room);
  await page.check(`input[name="role"][value="${choice.role}"]`);
  await page.click('#lobby-join');
  await waitConnected(page);
}

export async function waitConnected(page: Page): Promise<void> {
  await page.locator('#status', { hasText: /^connected$/ }).waitFor(SLOW);
}

/** A remote participant's camera tile, by the name its caption shows. */
export function remoteTile(page: Page, name: string): Locator {
  return page.locator(`#stage figure[data-participant-id][aria-label="${name}"]`);
}

/** Whether an element's first `<video>` is playing decoded frames (not just attached). */
export function videoPlaying(tile: Locator): Promise<boolean> {
  return tile.evaluate((element) => {
    const video = element.querySelector('video');
    return !!video && video.videoWidth > 0 && video.getVideoPlaybackQuality().totalVideoFrames > 5;
  });
}

/** Visible form controls that have no accessible name (a `<label>` or aria-label): should be none. */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select'))
      .filter((control) => control.offsetParent !== null && control.type !== 'hidden')
      .filter((control) => !control.labels?.length && !control.getAttribute('aria-label') && !control.closest('label'))
      .map((control) => control.id || control.name || control.outerHTML),
  );
}
