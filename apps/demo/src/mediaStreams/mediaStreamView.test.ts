import type { MediaStreamInfo, MediaStreamState } from '@roomcast/protocol';
import { describe, expect, it } from 'vitest';
import { roomEventMessage } from '../roomEventMessages.js';
import { answerMessage, indicatedStreams, mediaStreamRights, requestText, startResultMessage, stateText, streamText } from './mediaStreamView.js';

function stream(id: string, state: MediaStreamState, fields: Partial<MediaStreamInfo> = {}): MediaStreamInfo {
  return {
    id, app: 'notes', room: 'r', state,
    audio: { codec: 'pcm_s16le', sample_rate: 16000, channels: 1, per_participant: true, send: 'speech' },
    video: null, transcript: true, started_by: { type: 'api' },
    created_at: new Date(0).toISOString(), stopped_at: null, reason: null, connections: 1, ...fields,
  };
}

describe('media stream indicator', () => {
  it('says which app and what media', () => {
    expect(streamText(stream('a', 'STARTED'))).toBe('Streaming to notes: audio, transcript');
    expect(streamText(stream('b', 'STARTED', { app: 'rec', audio: null, transcript: false, video: { codec: 'jpeg', source: 'active_speaker' } }))).toBe(
      'Streaming to rec: video',
    );
  });

  it('shows the streams an app is connected to, paused ones included', () => {
    const streams = ['INITIALIZE', 'STARTED', 'PAUSED', 'RESUMED', 'STOPPED'].map((state, i) => stream(`s${i}`, state as MediaStreamState));
    expect(indicatedStreams(streams).map((s) => s.state)).toEqual(['STARTED', 'PAUSED', 'RESUMED']);
    expect(stateText('RESUMED')).toBe('Live');
    expect(stateText('PAUSED')).toBe('Paused');
  });
});

describe('media stream requests', () => {
  const request = { request_id: 'r1', app: 'notes', requested_by: { identity: 'ann', name: 'Ann Lee' }, audio: true, video: false, transcript: true };

  it('prompts moderators with who asks, for which app and what media', () => {
    expect(requestText(request)).toBe('Ann Lee asks to stream audio, transcript to notes');
    expect(requestText({ ...request, requested_by: { identity: 'ann', name: '' } })).toMatch(/^ann asks/);
  });

  it('tells the participant who asked whether it started, waits or was refused', () => {
    expect(startResultMessage({ media_stream: stream('a', 'INITIALIZE') }, 'notes')).toEqual({ text: 'Streaming to notes started', kind: 'success' });
    expect(startResultMessage({ media_stream: null, request_id: 'r1' }, 'notes').text).toBe('Asked a moderator to stream to notes');
    expect(answerMessage({ request_id: 'r1', approved: true, media_stream: stream('a', 'INITIALIZE') }, true)).toEqual({
      text: 'A moderator approved your request: streaming to notes',
      kind: 'success',
    });
    expect(answerMessage({ request_id: 'r1', approved: false, media_stream: null }, true).kind).toBe('error');
    expect(answerMessage({ request_id: 'r1', approved: false, media_stream: null }, false).text).toBe('Media stream request refused');
  });

  it('reads the rights from the token claims: moderators by role, others by capability', () => {
    expect(mediaStreamRights({ sub: 'm', room: 'r', role: 'moderator' })).toEqual({ start: true, control: true });
    expect(mediaStreamRights({ sub: 'p', room: 'r', role: 'participant' })).toEqual({ start: false, control: false });
    expect(mediaStreamRights({ sub: 'p', room: 'r', role: 'participant', capabilities: ['stop-media-stream'] })).toEqual({ start: false, control: true });
    expect(mediaStreamRights(undefined)).toEqual({ start: false, control: false });
  });
});

describe('media stream room events', () => {
  const info = stream('a', 'STARTED');

  it('announces a stream starting and stopping, and the stream pausing', () => {
    expect(roomEventMessage('media_stream.started', { media_stream: info })?.text).toBe('This room is now streamed to notes');
    expect(roomEventMessage('media_stream.started', { media_stream: { ...info, state: 'INITIALIZE' } })?.text).toBe('Starting to stream this room to notes');
    expect(roomEventMessage('media_stream.stopped', { media_stream: { ...info, state: 'STOPPED' } })?.text).toBe('Streaming to notes stopped');
    expect(roomEventMessage('media_stream.state_updated', { media_stream: { ...info, state: 'PAUSED' } })?.text).toBe('Streaming to notes paused');
  });

  it('says when a participant pauses or resumes their own media, not other session changes', () => {
    const participant = (state: string) => ({ media_stream: info, participant: { user_id: 3, user_name: 'Ann', identity: 'ann', state } });
    expect(roomEventMessage('media_stream.state_updated', participant('PAUSED'))?.text).toBe('Ann paused their media for notes');
    expect(roomEventMessage('media_stream.state_updated', participant('RESUMED'))?.text).toBe('Ann resumed their media for notes');
    expect(roomEventMessage('media_stream.state_updated', participant('STARTED'))).toBeUndefined();
    expect(roomEventMessage('media_stream.started', { media_stream: 'nonsense' })).toBeUndefined();
  });
});
