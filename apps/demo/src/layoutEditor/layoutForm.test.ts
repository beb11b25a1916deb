import { describe, expect, it } from 'vitest';
import { EMPTY_FORM, formFromLayout, layoutFromForm, pinCandidates, previewHint, togglePin, type LayoutForm } from './layoutForm.js';

const form = (changes: Partial<LayoutForm>): LayoutForm => ({ ...EMPTY_FORM, ...changes });

describe('layoutFromForm', () => {
  it('sends an uploaded logo as {asset}, in place of a URL, and reads it back', () => {
    const uploaded = form({ logoAsset: 'as_AAAAAAAAAAAAAAAAAAAAAA', logoUrl: 'https://cdn.example.com/old.png', logoPosition: 'bottom-left' });
    const layout = { name: 'grid', options: { logo: { asset: 'as_AAAAAAAAAAAAAAAAAAAAAA', position: 'bottom-left', size: 0.12 } } } as const;
    expect(layoutFromForm(uploaded)).toEqual({ layout });
    expect(formFromLayout(layout)).toMatchObject({ logoAsset: 'as_AAAAAAAAAAAAAAAAAAAAAA', logoUrl: '' });
  });

  it('an untouched form is the bare name, as the server reports a plain layout', () => {
    expect(layoutFromForm(EMPTY_FORM)).toEqual({ layout: 'grid' });
    expect(layoutFromForm(form({ name: 'spotlight' }))).toEqual({ layout: 'spotlight' });
  });

  it('carries every option the user set, trimmed, with the logo size as a fraction', () => {
    const result = layoutFromForm(
      form({
        name: 'spotlight',
        pinned: ['bob', 'alice'],
        background: '#112233',
        logoUrl: ' https://cdn.example.com/logo.png ',
        logoPosition: 'bottom-left',
        logoSizePercent: 20,
        bannerText: '  Live from Berlin ',
        bannerPosition: 'top',
        gap: 6,
        rounded: true,
        hideVideoOff: true,
      }),
    );
    expect(result).toEqual({
      layout: {
        name: 'spotlight',
        options: {
          pinned: ['bob', 'alice'],
          background: '#112233',
          logo: { url: 'https://cdn.example.com/logo.png', position: 'bottom-left', size: 0.2 },
          banner: { text: 'Live from Berlin', position: 'top' },
          gap: 6,
          tile_radius: 12,
          hide_video_off: true,
        },
      },
    });
  });

  it('sends the page URL only for web; web without one is the built-in page', () => {
    expect(layoutFromForm(form({ name: 'web', url: 'https://layouts.example.com/a.html' }))).toEqual({
      layout: { name: 'web', options: { url: 'https://layouts.example.com/a.html' } },
    });
    expect(layoutFromForm(form({ name: 'web' }))).toEqual({ layout: 'web' });
    expect(layoutFromForm(form({ name: 'grid', url: 'https://layouts.example.com/a.html' }))).toEqual({ layout: 'grid' });
  });

  it('names the bad field instead of sending it', () => {
    expect(layoutFromForm(form({ logoUrl: 'ftp://example.com/logo.png' }))).toEqual({ error: expect.stringMatching(/^logo\.url: /) });
    expect(layoutFromForm(form({ bannerText: 'x'.repeat(121) }))).toEqual({ error: expect.stringMatching(/^banner\.text: /) });
    expect(layoutFromForm(form({ gap: 65 }))).toEqual({ error: expect.stringMatching(/^gap: /) });
    expect(layoutFromForm(form({ logoUrl: 'https://example.com/l.png', logoSizePercent: 90 }))).toEqual({ error: expect.stringMatching(/^logo\.size: /) });
  });
});

describe('formFromLayout', () => {
  it('round-trips what the editor sends', () => {
    const edited = form({ name: 'single-participant', pinned: ['carol'], logoUrl: 'https://x.example/l.png', logoSizePercent: 15, bannerText: 'Hi', rounded: true, gap: 0 });
    const result = layoutFromForm(edited);
    if (!('layout' in result)) throw new Error(result.error);
    expect(formFromLayout(result.layout)).toEqual(edited);
  });

  it('a bare name is the empty form with that layout', () => {
    expect(formFromLayout('spotlight')).toEqual(form({ name: 'spotlight' }));
  });
});

describe('pinCandidates', () => {
  it('lists people who can be on camera once per identity, by name, then pins of people who left', () => {
    const candidates = pinCandidates(
      [
        { identity: 'zed', name: 'Zed', role: 'participant' },
        { identity: 'amy', name: 'Amy', role: 'moderator' },
        { identity: 'amy', name: 'Amy (2nd tab)', role: 'moderator' },
        { identity: 'val', name: 'Viewer Val', role: 'viewer' },
        { identity: 'noname', name: '', role: 'participant' },
      ],
      ['gone', 'zed'],
    );
    expect(candidates).toEqual([
      { identity: 'amy', name: 'Amy', away: false },
      { identity: 'noname', name: 'noname', away: false },
      { identity: 'zed', name: 'Zed', away: false },
      { identity: 'gone', name: 'gone', away: true },
    ]);
  });
});

describe('togglePin', () => {
  it('keeps click order: a new pin goes last, unpinning removes only that one', () => {
    expect(togglePin(['a', 'b'], 'c', true)).toEqual(['a', 'b', 'c']);
    expect(togglePin(['a', 'b', 'c'], 'a', true)).toEqual(['b', 'c', 'a']);
    expect(togglePin(['a', 'b', 'c'], 'b', false)).toEqual(['a', 'c']);
  });
});

describe('previewHint', () => {
  it('points at the HLS monitor, says RTMP alone has no preview, or that the layout waits for a start', () => {
    expect(previewHint({ broadcasting: true, rtmps: [{}], live_streams: [{}] })).toMatch(/monitor below/);
    expect(previewHint({ broadcasting: true, rtmps: [{}], live_streams: [] })).toMatch(/needs the HLS live stream/);
    expect(previewHint({ broadcasting: false, rtmps: [], live_streams: [] })).toMatch(/applies when a broadcast or live stream starts/);
  });
});
