import { describe, expect, it } from 'vitest';
import { escapeFilterValue, pocketsphinxArgs, pocketsphinxModel } from './pocketsphinxArgs.js';

describe('pocketsphinxArgs', () => {
  it('reads raw 16 kHz mono s16le on stdin, runs asr and logs its text, writes no file', () => {
    const args = pocketsphinxArgs(pocketsphinxModel('/usr/share/pocketsphinx/model/en-us'));
    expect(args.join(' ')).toContain('-f s16le -ar 16000 -ac 1');
    expect(args[args.indexOf('-i') + 1]).toBe('pipe:0');
    expect(args).toContain('-nostdin');
    const filter = args[args.indexOf('-af') + 1]!;
    expect(filter).toBe(
      'asr=hmm=/usr/share/pocketsphinx/model/en-us/en-us:dict=/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict' +
        ':lm=/usr/share/pocketsphinx/model/en-us/en-us.lm.bin:logfn=/dev/null,ametadata=mode=print:key=lavfi.asr.text',
    );
    expect(args.slice(-3)).toEqual(['-f', 'null', '-']);
  });

  it('escapes filter syntax in model paths for both levels of the filtergraph', () => {
    expect(escapeFilterValue('/plain/path')).toBe('/plain/path');
    expect(escapeFilterValue('/a:b')).toBe('/a\\\\:b');
    expect(escapeFilterValue('/a,b;c[d]')).toBe('/a\\,b\\;c\\[d\\]');
    expect(escapeFilterValue("/it's")).toBe("/it\\\\\\'s");
  });
});
