import { describe, expect, it } from 'vitest';
import { computeLayout, fitRect, type LayoutSubject, type Tile } from './layout.js';
import { qualityPreset } from './presets.js';

const subject = (id: string, source: LayoutSubject['source'] = 'camera'): LayoutSubject => ({
  key: `${id}:${source}`,
  participantId: id,
  name: id.toUpperCase(),
  source,
});
const people = (n: number) => Array.from({ length: n }, (_, i) => subject(`p${i}`));

function expectInsideAndDisjoint(tiles: Tile[], width: number, height: number): void {
  for (const t of tiles) {
    expect(t.x % 2 + t.y % 2 + t.width % 2 + t.height % 2).toBe(0);
    expect(t.x).toBeGreaterThanOrEqual(0);
    expect(t.y).toBeGreaterThanOrEqual(0);
    expect(t.x + t.width).toBeLessThanOrEqual(width);
    expect(t.y + t.height).toBeLessThanOrEqual(height);
  }
  for (const a of tiles) {
    for (const b of tiles) {
      if (a === b) continue;
      const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(overlap).toBe(false);
    }
  }
}

describe('computeLayout', () => {
  it('shows nobody in an empty room', () => {
    expect(computeLayout({ layout: 'grid', width: 1280, height: 720, subjects: [], activeSpeakerId: null })).toEqual([]);
  });

  it.each([1, 2, 3, 4, 5, 9, 16])('places a grid of %i inside the canvas without overlaps', (n) => {
    const tiles = computeLayout({ layout: 'grid', width: 1280, height: 720, subjects: people(n), activeSpeakerId: null });
    expect(tiles).toHaveLength(n);
    expectInsideAndDisjoint(tiles, 1280, 720);
  });

  it('gives a single participant the whole 720p frame', () => {
    const [tile] = computeLayout({ layout: 'grid', width: 1280, height: 720, subjects: people(1), activeSpeakerId: null });
    expect(tile).toMatchObject({ x: 0, y: 0, width: 1280, height: 720 });
  });

  it('puts four people in a 2x2 grid', () => {
    const tiles = computeLayout({ layout: 'grid', width: 1280, height: 720, subjects: people(4), activeSpeakerId: null });
    expect(new Set(tiles.map((t) => t.y)).size).toBe(2);
    expect(new Set(tiles.map((t) => t.x)).size).toBe(2);
  });

  it('makes the active speaker large in spotlight and the others small', () => {
    const tiles = computeLayout({ layout: 'spotlight', width: 1280, height: 720, subjects: people(4), activeSpeakerId: 'p2' });
    expect(tiles[0]!.subject.participantId).toBe('p2');
    expect(tiles[0]!.width).toBeGreaterThan(tiles[1]!.width * 3);
    expectInsideAndDisjoint(tiles, 1280, 720);
  });

  it('prefers a screen share as the spotlight', () => {
    const subjects = [...people(2), subject('p1', 'screen')];
    const tiles = computeLayout({ layout: 'spotlight', width: 1280, height: 720, subjects, activeSpeakerId: 'p0' });
    expect(tiles[0]!.subject.key).toBe('p1:screen');
  });

  it('shows only the chosen participant in single-participant', () => {
    const tiles = computeLayout({
      layout: 'single-participant', width: 720, height: 1280, subjects: people(3), activeSpeakerId: 'p0', focusParticipantId: 'p1',
    });
    expect(tiles).toHaveLength(1);
    expect(tiles[0]!.subject.participantId).toBe('p1');
    expectInsideAndDisjoint(tiles, 720, 1280);
  });

  it('follows the active speaker in single-participant without a focus', () => {
    const tiles = computeLayout({ layout: 'single-participant', width: 1280, height: 720, subjects: people(3), activeSpeakerId: 'p2' });
    expect(tiles[0]!.subject.participantId).toBe('p2');
  });
});

describe('fitRect', () => {
  it('keeps 16:9 and centres in a wide cell', () => {
    expect(fitRect({ x: 0, y: 0, width: 1000, height: 300 })).toEqual({ x: 234, y: 0, width: 532, height: 300 });
  });
});

describe('qualityPreset', () => {
  it('knows landscape and portrait presets with 2 s keyframes', () => {
    expect(qualityPreset('720p')).toMatchObject({ width: 1280, height: 720, fps: 30, keyframeIntervalS: 2 });
    expect(qualityPreset('1080p-portrait')).toMatchObject({ width: 1080, height: 1920 });
  });
});

describe('spatialLayerForWidth', () => {
  it('picks the smallest simulcast layer that fills the tile', async () => {
    const { spatialLayerForWidth } = await import('./VideoTrackInput.js');
    expect(spatialLayerForWidth(300)).toBe(0);
    expect(spatialLayerForWidth(632)).toBe(1);
    expect(spatialLayerForWidth(1280)).toBe(2);
  });
});
