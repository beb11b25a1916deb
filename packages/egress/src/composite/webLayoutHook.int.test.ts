import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeLayout } from '@roomcast/protocol';
import { Sfu, type Room } from '@roomcast/sfu';
import { PortAllocator } from '../rtp/PortAllocator.js';
import { SyntheticPublisher } from '../synthetic/SyntheticPublisher.js';
import { decoderChildren } from '../testing/childProcesses.js';
import { type CompositeSink, Compositor, type WebLayoutSource } from './Compositor.js';
import { type YuvFrame, yuvFrameSize } from './FrameCanvas.js';
import { qualityPreset } from './presets.js';

class LastFrameSink implements CompositeSink {
  last: Buffer | undefined;
  writeVideo(frame: Buffer, written: () => void): void {
    this.last = Buffer.from(frame);
    written();
  }
  writeAudio(): void {}
}

/** A stand-in for the web-layout renderer: one flat picture (luma 200). */
class FlatPage implements WebLayoutSource {
  shown = 0;
  hidden = 0;
  picture: YuvFrame | undefined;
  show(_spec: unknown, size: { width: number; height: number }): void {
    this.shown++;
    this.picture ??= { ...size, data: Buffer.alloc(yuvFrameSize(size.width, size.height), 200) };
  }
  frame(): YuvFrame | undefined {
    return this.picture;
  }
  hide(): void {
    this.hidden++;
  }
}

const preset = qualityPreset('360p');

describe('the web layout hook (WebLayoutSource)', () => {
  let sfu: Sfu;
  let room: Room;
  let publisher: SyntheticPublisher;

  beforeAll(async () => {
    sfu = await Sfu.create({
      workers: { size: 1, rtcMinPort: 46600, rtcMaxPort: 46699 },
      webRtc: { listenIps: [{ ip: '127.0.0.1' }], initialAvailableOutgoingBitrate: 1_000_000, mediaTimeoutMs: 5000 },
      maxRooms: 1,
    });
    room = await sfu.createRoom('web-hook');
    publisher = await SyntheticPublisher.start(room, { identity: 'alice', name: 'Alice' });
  });
  afterAll(async () => {
    await publisher?.stop();
    sfu?.close();
  });

  it('draws the source\'s picture for `web` with no video decoders, and the grid again after', async () => {
    const sink = new LastFrameSink();
    const page = new FlatPage();
    const compositor = new Compositor(
      { room, layout: normalizeLayout('grid'), preset, ports: new PortAllocator(46700, 46799), background: '#101828', placeholderColor: '#344054', webLayout: page },
      sink,
    );
    compositor.start();
    try {
      const videoDecoders = () => decoderChildren().filter(({ argv }) => argv.includes('-vf'));
      await expect.poll(() => videoDecoders().length, { timeout: 8000 }).toBe(1);
      compositor.setLayout(normalizeLayout({ name: 'web', options: { url: 'https://example.com/layout' } }));
      await expect.poll(() => sink.last?.[preset.width * 180 + 320], { timeout: 2000 }).toBe(200);
      expect(page.shown).toBeGreaterThan(0);
      expect(compositor.tiles()).toEqual([]);
      await expect.poll(() => videoDecoders().length, { timeout: 5000 }).toBe(0);
      compositor.setLayout(normalizeLayout('grid'));
      await expect.poll(() => compositor.tiles().length, { timeout: 2000 }).toBe(1);
      expect(page.hidden).toBeGreaterThan(0);
      await expect.poll(() => sink.last?.[preset.width * 180 + 320], { timeout: 2000 }).not.toBe(200);
    } finally {
      await compositor.stop();
    }
    expect(decoderChildren()).toEqual([]);
  });
});
