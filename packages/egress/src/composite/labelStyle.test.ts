import { describe, expect, it } from 'vitest';
import { videoDecoderArgs } from '../args/decoderArgs.js';
import { labelKey, labelStyle } from './labelStyle.js';

const vf = (args: string[]) => args[args.indexOf('-vf') + 1]!;

describe('labels option', () => {
  it('maps the option to a style; absent and true are today\'s labels', () => {
    expect(labelStyle(undefined)).toEqual({ show: true });
    expect(labelStyle(true)).toEqual({ show: true });
    expect(labelStyle(false)).toEqual({ show: false });
    expect(labelStyle({ color: '#ffcc00' })).toEqual({ show: true, color: '#ffcc00', background: undefined });
    expect(labelKey(labelStyle(false))).not.toBe(labelKey(labelStyle(true)));
    expect(labelKey(labelStyle({ color: '#ffcc00' }))).not.toBe(labelKey(labelStyle(true)));
    expect(labelKey(labelStyle({ show: false, color: '#ffcc00' }))).toBe(labelKey(labelStyle(false)));
  });

  it('colours the decoder\'s drawtext', () => {
    const plain = vf(videoDecoderArgs({ sdpPath: 's.sdp', width: 320, height: 180, labelFile: '/t/label.txt' }));
    expect(plain).toContain('fontcolor=white:box=1:boxcolor=black@0.55');
    const coloured = vf(videoDecoderArgs({ sdpPath: 's.sdp', width: 320, height: 180, labelFile: '/t/label.txt', labelColor: '#ffcc00', labelBackground: '#102030' }));
    expect(coloured).toContain('fontcolor=0xffcc00:box=1:boxcolor=0x102030@0.55');
    expect(vf(videoDecoderArgs({ sdpPath: 's.sdp', width: 320, height: 180 }))).not.toContain('drawtext');
  });
});
