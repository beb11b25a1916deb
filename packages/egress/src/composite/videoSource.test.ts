import { describe, expect, it } from 'vitest';
import { normalizeLayout } from '@roomcast/protocol';
import { PIPE_SOURCE, sameVideoSource, videoSourceFor } from './videoSource.js';

const display = { kind: 'display', display: ':7', xauthority: '/tmp/a' } as const;

describe('videoSourceFor', () => {
  it("lets the encoders grab a web layout's page only when it shows on a display and nothing is drawn over it", () => {
    expect(videoSourceFor(normalizeLayout({ name: 'web', options: { url: 'https://l.example/' } }), display)).toBe(display);
    // The page fills the canvas: a background or tile option changes nothing of it.
    expect(videoSourceFor(normalizeLayout({ name: 'web', options: { background: '#000000', tile_radius: 8 } }), display)).toBe(display);
    expect(videoSourceFor(normalizeLayout({ name: 'web', options: { banner: { text: 'Live' } } }), display)).toBe(PIPE_SOURCE);
    expect(videoSourceFor(normalizeLayout({ name: 'web', options: { logo: { url: 'https://l.example/logo.png' } } }), display)).toBe(PIPE_SOURCE);
    expect(videoSourceFor(normalizeLayout('web'), undefined)).toBe(PIPE_SOURCE);
    expect(videoSourceFor(normalizeLayout('grid'), display)).toBe(PIPE_SOURCE);
  });

  it('tells sources apart by kind and display', () => {
    expect(sameVideoSource(PIPE_SOURCE, { kind: 'pipe' })).toBe(true);
    expect(sameVideoSource(display, { ...display, xauthority: '/tmp/b' })).toBe(true);
    expect(sameVideoSource(display, { ...display, display: ':8' })).toBe(false);
    expect(sameVideoSource(display, PIPE_SOURCE)).toBe(false);
  });
});
