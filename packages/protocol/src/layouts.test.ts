import { describe, expect, it } from 'vitest';
import { compactLayout, LayoutSchema, normalizeLayout, SetLayoutBodySchema } from './layouts.js';

const ok = (layout: unknown) => LayoutSchema.safeParse(layout).success;

describe('LayoutSchema', () => {
  it('keeps the bare names valid and adds {name, options}', () => {
    for (const name of ['grid', 'spotlight', 'single-participant', 'web']) expect(ok(name), name).toBe(true);
    expect(ok({ name: 'grid' })).toBe(true);
    expect(
      ok({
        name: 'spotlight',
        options: {
          background: '#101828',
          logo: { url: 'https://cdn.example.com/logo.png', position: 'top-left', size: 0.1, opacity: 0.8, margin: 12 },
          labels: { show: true, color: '#ffffff', background: '#000000' },
          gap: 0,
          tile_radius: 16,
          pinned: ['alice'],
          screen_share: 'only',
          hide_video_off: true,
          banner: { text: 'Live', position: 'bottom' },
        },
      }),
    ).toBe(true);
    expect(ok({ name: 'web', options: { url: 'https://example.com/layout' } })).toBe(true);
    expect(ok({ name: 'grid', options: { logo: { asset: 'as_AAAAAAAAAAAAAAAAAAAAAA', position: 'bottom-left' } } })).toBe(true);
  });

  it.each([
    ['an unknown name', 'mosaic'],
    ['an unknown option', { name: 'grid', options: { colour: '#000000' } }],
    ['a colour that is not #rrggbb', { name: 'grid', options: { background: 'red' } }],
    ['a gap over 64', { name: 'grid', options: { gap: 65 } }],
    ['a radius over 64', { name: 'grid', options: { tile_radius: 100 } }],
    ['a logo that is not http(s)', { name: 'grid', options: { logo: { url: 'file:///etc/passwd' } } }],
    ['a logo size over half the width', { name: 'grid', options: { logo: { url: 'https://x.example/l.png', size: 0.6 } } }],
    ['an opacity over 1', { name: 'grid', options: { logo: { url: 'https://x.example/l.png', opacity: 2 } } }],
    ['17 pinned', { name: 'grid', options: { pinned: Array.from({ length: 17 }, (_, i) => `p${i}`) } }],
    ['a banner over 120 characters', { name: 'grid', options: { banner: { text: 'x'.repeat(121) } } }],
    ['a url on a built-in layout', { name: 'grid', options: { url: 'https://example.com' } }],
    ['a web url that is not http(s)', { name: 'web', options: { url: 'javascript:alert(1)' } }],
    ['an unknown top-level key', { name: 'grid', extra: 1 }],
    ['a logo with both url and asset', { name: 'grid', options: { logo: { url: 'https://x.example/l.png', asset: 'as_AAAAAAAAAAAAAAAAAAAAAA' } } }],
    ['a logo with neither url nor asset', { name: 'grid', options: { logo: { position: 'top-left' } } }],
    ['a logo asset id of the wrong shape', { name: 'grid', options: { logo: { asset: '../../etc/passwd' } } }],
  ])('refuses %s', (_, layout) => {
    expect(ok(layout)).toBe(false);
  });

  it('normalizes to {name, options} and back to the shortest form', () => {
    expect(normalizeLayout('grid')).toEqual({ name: 'grid', options: {} });
    expect(normalizeLayout({ name: 'spotlight', options: { gap: 4 } })).toEqual({ name: 'spotlight', options: { gap: 4 } });
    expect(compactLayout(normalizeLayout({ name: 'grid' }))).toBe('grid');
    expect(compactLayout({ name: 'grid', options: { gap: 4 } })).toEqual({ name: 'grid', options: { gap: 4 } });
    expect(SetLayoutBodySchema.safeParse({ layout: 'grid' }).success).toBe(true);
    expect(SetLayoutBodySchema.safeParse({ layout: 'grid', extra: true }).success).toBe(false);
  });
});
