import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_MAX_BYTES } from '@roomcast/protocol';
import { FrameCanvas, rgbToYuv } from '../composite/FrameCanvas.js';
import { LayoutDecor } from '../composite/LayoutDecor.js';
import { renderStill } from '../composite/overlays/renderStill.js';
import { AssetStore } from './AssetStore.js';

/** A 32x32 PNG of one colour, made by FFmpeg. */
const png = (color: string) =>
  renderStill(['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `color=c=${color}:s=32x32`, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', 'pipe:1']);

describe('AssetStore (real files) and logos drawn from it (real FFmpeg)', () => {
  let dir = '';
  let store: AssetStore;
  let image: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roomcast-assets-test-'));
    store = new AssetStore({ dir: join(dir, 'assets'), maxAssets: 3 });
    image = await png('0x00ff00');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores an image under its random id only, reads it back, deletes it', async () => {
    const info = await store.put('image/png; charset=binary', image);
    expect(await readdir(store.options.dir)).toEqual([`${info.id}.png`]);
    expect((await store.read(info.id)).data.equals(image)).toBe(true);
    expect(await store.delete(info.id)).toBe(true);
    expect(await store.get(info.id)).toBeUndefined();
    await expect(store.read(info.id)).rejects.toThrow(/does not exist/);
  });

  it('knows no id that is not one of its own shape (no path is built from what a client sends)', async () => {
    for (const id of ['../assets', 'as_../../../etc/passwd', `as_${'A'.repeat(21)}/`, '']) expect(await store.get(id), id).toBeUndefined();
  });

  it('refuses by size, declared type and bytes, with the status a client can act on', async () => {
    const code = (contentType: string | undefined, data: Buffer) => store.put(contentType, data).then(() => 'stored', (error: { code: string }) => error.code);
    expect(await code('image/png', Buffer.alloc(ASSET_MAX_BYTES + 1))).toBe('payload_too_large');
    expect(await code('image/gif', image)).toBe('unsupported_media');
    expect(await code(undefined, image)).toBe('unsupported_media');
    expect(await code('image/jpeg', image)).toBe('unsupported_media');
    expect(await code('image/webp', Buffer.from('RIFF\0\0\0\0WEBX'))).toBe('unsupported_media');
    expect(await code('image/png', Buffer.alloc(0))).toBe('bad_request');
  });

  it('holds at most maxAssets (limit_exceeded beyond)', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await store.put('image/png', image)).id);
    await expect(store.put('image/png', image)).rejects.toMatchObject({ code: 'limit_exceeded' });
    for (const id of ids) await store.delete(id);
  });

  it('draws a layout logo {asset} read from disk, with no URL policy at all', async () => {
    const { id } = await store.put('image/png', image);
    const canvas = new FrameCanvas(320, 180, '#000000');
    const decor = new LayoutDecor({ width: 320, height: 180, background: '#000000', assets: store });
    const warnings: string[] = [];
    decor.options.onWarning = (_what, reason) => warnings.push(reason);
    try {
      decor.set({ name: 'grid', options: { logo: { asset: id, position: 'top-left', size: 0.2, margin: 0 } } }, canvas);
      const setVersion = decor.version;
      // The logo appears once read and decoded: the version moves on.
      await expect.poll(() => decor.version, { timeout: 10_000 }).toBeGreaterThan(setVersion);
      canvas.clear();
      decor.drawOverlays(canvas);
      expect(Math.abs(canvas.data[10 * 320 + 10]! - rgbToYuv('#00ff00').y)).toBeLessThan(4);
      expect(canvas.data[100 * 320 + 300]).toBe(rgbToYuv('#000000').y);
      expect(warnings).toEqual([]);
    } finally {
      decor.close();
    }
  });
});
