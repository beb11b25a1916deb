import { describe, expect, it } from 'vitest';
import { computeLayout, type LayoutSubject } from './layout.js';

const cam = (id: string, videoOff = false): LayoutSubject => ({ key: `${id}:camera`, participantId: id, identity: `user-${id}`, name: id, source: 'camera', videoOff });
const screen = (id: string): LayoutSubject => ({ key: `${id}:screen`, participantId: id, identity: `user-${id}`, name: `${id} (screen)`, source: 'screen' });
const area = (t: { width: number; height: number }) => t.width * t.height;
const base = { width: 640, height: 360, activeSpeakerId: 'a' } as const;

describe('layout options: geometry', () => {
  it('puts pinned identities first in a grid, in the order given', () => {
    const tiles = computeLayout({ ...base, layout: 'grid', subjects: [cam('a'), cam('b'), cam('c')], options: { pinned: ['user-c', 'user-b'] } });
    expect(tiles.map((t) => t.subject.participantId)).toEqual(['c', 'b', 'a']);
  });

  it('makes the pinned person the big tile in spotlight instead of the active speaker', () => {
    const plain = computeLayout({ ...base, layout: 'spotlight', subjects: [cam('a'), cam('b'), cam('c')] });
    expect(plain[0]!.subject.participantId).toBe('a');
    const pinned = computeLayout({ ...base, layout: 'spotlight', subjects: [cam('a'), cam('b'), cam('c')], options: { pinned: ['user-b'] } });
    expect(pinned[0]!.subject.participantId).toBe('b');
    expect(area(pinned[0]!)).toBeGreaterThan(4 * area(pinned[1]!));
  });

  it('pins in single-participant', () => {
    const tiles = computeLayout({ ...base, layout: 'single-participant', subjects: [cam('a'), cam('b')], options: { pinned: ['user-b'] } });
    expect(tiles.map((t) => t.subject.participantId)).toEqual(['b']);
  });

  it('screen_share spotlight makes a share big even in a grid', () => {
    const subjects = [cam('a'), cam('b'), screen('b')];
    const grid = computeLayout({ ...base, layout: 'grid', subjects });
    expect(new Set(grid.map(area)).size).toBe(1);
    const tiles = computeLayout({ ...base, layout: 'grid', subjects, options: { screen_share: 'spotlight' } });
    expect(tiles[0]!.subject.key).toBe('b:screen');
    expect(area(tiles[0]!)).toBeGreaterThan(4 * area(tiles[1]!));
  });

  it('screen_share grid keeps the share a tile in spotlight (the speaker stays big)', () => {
    const subjects = [cam('a'), cam('b'), screen('b')];
    expect(computeLayout({ ...base, layout: 'spotlight', subjects })[0]!.subject.key).toBe('b:screen');
    const tiles = computeLayout({ ...base, layout: 'spotlight', subjects, options: { screen_share: 'grid' } });
    expect(tiles[0]!.subject.key).toBe('a:camera');
    expect(tiles.map((t) => t.subject.key)).toContain('b:screen');
  });

  it('screen_share only shows just the shares while there is one', () => {
    const tiles = computeLayout({ ...base, layout: 'grid', subjects: [cam('a'), cam('b'), screen('b')], options: { screen_share: 'only' } });
    expect(tiles.map((t) => t.subject.key)).toEqual(['b:screen']);
    expect(tiles[0]).toMatchObject({ x: 0, y: 0, width: 640, height: 360 });
    expect(computeLayout({ ...base, layout: 'grid', subjects: [cam('a'), cam('b')], options: { screen_share: 'only' } })).toHaveLength(2);
  });

  it('hide_video_off drops cameras without a picture, never shares', () => {
    const subjects = [cam('a'), cam('b', true), screen('b'), cam('c', true)];
    expect(computeLayout({ ...base, layout: 'grid', subjects })).toHaveLength(4);
    const tiles = computeLayout({ ...base, layout: 'grid', subjects, options: { hide_video_off: true } });
    expect(tiles.map((t) => t.subject.key)).toEqual(['a:camera', 'b:screen']);
  });

  it('gap sets the space between tiles (0: tiles touch)', () => {
    const four = [cam('a'), cam('b'), cam('c'), cam('d')];
    const spacing = (gap: number | undefined) => {
      const tiles = computeLayout({ ...base, width: 1280, height: 720, layout: 'grid', subjects: four, options: gap === undefined ? {} : { gap } });
      return { dx: tiles[1]!.x - (tiles[0]!.x + tiles[0]!.width), top: tiles[0]!.y, w: tiles[0]!.width };
    };
    expect(spacing(undefined).top).toBe(8);
    expect(spacing(0)).toMatchObject({ dx: 0, top: 0, w: 640 });
    expect(spacing(32).top).toBe(32);
    expect(spacing(32).w).toBeLessThan(spacing(undefined).w);
  });

  it('falls back to the grid for web without a web layout source', () => {
    const subjects = [cam('a'), cam('b')];
    expect(computeLayout({ ...base, layout: 'web', subjects })).toEqual(computeLayout({ ...base, layout: 'grid', subjects }));
  });
});
