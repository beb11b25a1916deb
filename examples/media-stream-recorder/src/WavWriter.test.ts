import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wavHeader, WavWriter } from './WavWriter.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wav-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('wavHeader', () => {
  it('describes mono s16le at the given rate', () => {
    const header = wavHeader({ sampleRate: 48000, channels: 1 }, 960);
    expect(header.length).toBe(44);
    expect(header.toString('ascii', 0, 4)).toBe('RIFF');
    expect(header.readUInt32LE(4)).toBe(36 + 960);
    expect(header.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(header.readUInt16LE(20)).toBe(1);
    expect(header.readUInt16LE(22)).toBe(1);
    expect(header.readUInt32LE(24)).toBe(48000);
    expect(header.readUInt32LE(28)).toBe(96000);
    expect(header.readUInt16LE(32)).toBe(2);
    expect(header.readUInt16LE(34)).toBe(16);
    expect(header.toString('ascii', 36, 40)).toBe('data');
    expect(header.readUInt32LE(40)).toBe(960);
  });
});

describe('WavWriter', () => {
  it('writes the samples after a header whose sizes are fixed up on close', async () => {
    const path = join(dir, 'a.wav');
    const writer = new WavWriter(path, { sampleRate: 16000, channels: 1 });
    const first = Buffer.alloc(640, 1);
    const second = Buffer.alloc(640, 2);
    writer.write(first);
    writer.write(second);
    await writer.close();
    await writer.close(); // twice is fine
    const file = await readFile(path);
    expect(file.length).toBe(44 + 1280);
    expect(file.subarray(0, 44)).toEqual(wavHeader({ sampleRate: 16000, channels: 1 }, 1280));
    expect(file.subarray(44)).toEqual(Buffer.concat([first, second]));
    expect(writer.dataBytes).toBe(1280);
  });

  it('leaves a valid empty file when nothing was written', async () => {
    const path = join(dir, 'empty.wav');
    await new WavWriter(path, { sampleRate: 16000, channels: 1 }).close();
    expect(await readFile(path)).toEqual(wavHeader({ sampleRate: 16000, channels: 1 }, 0));
  });

  it('rejects close() when the file cannot be written', async () => {
    const writer = new WavWriter(join(dir, 'missing-dir', 'x.wav'), { sampleRate: 16000, channels: 1 });
    writer.write(Buffer.alloc(10));
    await expect(writer.close()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
