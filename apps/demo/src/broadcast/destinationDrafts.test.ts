import { describe, expect, it } from 'vitest';
import { takenNames, validateDraft } from './destinationDrafts.js';

describe('destination drafts', () => {
  it('accepts an RTMP destination, trimming name, URL and key', () => {
    expect(validateDraft({ name: ' yt ', url: ' rtmps://a.example.com/live2 ', key: ' k\n' }, [])).toEqual({
      draft: { name: 'yt', stream_url: 'rtmps://a.example.com/live2', stream_key: 'k' },
    });
    expect(validateDraft({ name: 'tw', url: 'rtmp://127.0.0.1:1935/live/key', key: '' }, [])).toEqual({
      draft: { name: 'tw', stream_url: 'rtmp://127.0.0.1:1935/live/key' },
    });
  });

  it('says which field is wrong, in words', () => {
    expect(validateDraft({ name: 'my stream', url: 'rtmp://h/app', key: '' }, [])).toEqual({
      error: 'Name: use letters, digits, ".", "-" and "_" only',
    });
    expect(validateDraft({ name: 'x', url: 'http://h/app', key: '' }, [])).toEqual({
      error: 'Server URL: stream_url must be an rtmp:// or rtmps:// URL',
    });
    expect(validateDraft({ name: 'x', url: 'rtmp://h/app', key: '' }, ['x'])).toEqual({ error: 'Name: “x” is already in use' });
  });

  it('frees the names of ended broadcasts', () => {
    const who = { started_by: { type: 'api' as const, identity: null }, stopped_by: null, stopped_at: null };
    const rtmps = [
      { name: 'a', status: 'live' as const, started_at: null, error: null, retries: 0, ...who },
      { name: 'b', status: 'failed' as const, started_at: null, error: 'refused', retries: 2, ...who },
    ];
    expect(takenNames([{ name: 'c', stream_url: 'rtmp://h/x' }], rtmps)).toEqual(['c', 'a']);
  });
});
