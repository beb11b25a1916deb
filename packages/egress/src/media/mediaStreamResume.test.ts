import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StartMediaStreamBody, StartMediaStreamBodySchema, type WebhookEventType } from '@roomcast/protocol';
import { type RoomView, TypedEmitter } from '@roomcast/sfu';
import { PortAllocator } from '../rtp/PortAllocator.js';
import type { JsonRecords } from '../records/JsonRecords.js';
import { type MediaStreamRecord, mediaStreamRecords } from './mediaStreamRecords.js';
import { MediaStreamService } from './MediaStreamService.js';

/** A room without mediasoup: its name, no participants, the events media streams follow. */
class FakeRoom extends TypedEmitter<Record<string, unknown[]>> {
  readonly participants = new Map();
  closed = false;
  constructor(readonly name: string) {
    super();
  }
}

const API = { type: 'api' as const };
/** A request body as the routes hand it over: validated, defaults filled in. */
const body = (raw: unknown): StartMediaStreamBody => StartMediaStreamBodySchema.parse(raw);
const GRANTS = new Map([['notes', { id: 'notes', allow: ['audio' as const] }]]);

/**
 * The records a media stream leaves while it runs, and what the next egress process makes of them
 * (issue 13, Deliver 3). Sources are fakes: no FFmpeg runs until an app connects, and none does here.
 */
describe('media streams across an egress restart', () => {
  let dir: string;
  let records: JsonRecords<MediaStreamRecord>;
  let rooms: Map<string, FakeRoom>;
  let events: Array<{ type: WebhookEventType; data: Record<string, unknown> }>;
  const services: MediaStreamService[] = [];

  const service = (): MediaStreamService => {
    const created = new MediaStreamService({
      host: {
        room: (name) => {
          const room = rooms.get(name);
          if (!room) throw Object.assign(new Error(`no room ${name}`), { code: 'room_not_found' });
          return room as unknown as RoomView;
        },
        publish: () => undefined,
        event: (_room, type, data) => void events.push({ type, data }),
        own: (task) => void task.catch(() => undefined),
      },
      ports: new PortAllocator(47900, 47999),
      audioSource: () => ({ subscribe: () => () => undefined, subscribeMix: () => () => undefined, close: async () => undefined }),
      startVideoFeed: () => ({ close: async () => undefined }),
      signalingUrl: () => 'ws://127.0.0.1:1/rtms/signaling',
      records,
      grantOf: (id) => GRANTS.get(id),
    });
    services.push(created);
    return created;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-records-'));
    records = mediaStreamRecords(dir);
    rooms = new Map(['studio', 'gone'].map((name) => [name, new FakeRoom(name)]));
    events = [];
  });

  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('a running stream is recorded; a new service starts it again under its id if its room is open, and drops the rest', async () => {
    const first = service();
    expect(await first.resumed).toEqual([]);
    const kept = await first.start('studio', body({ app: 'notes', audio: { sample_rate: 16000 } }), GRANTS.get('notes')!, API);
    const lost = await first.start('gone', body({ app: 'notes', audio: {} }), GRANTS.get('notes')!, API);
    await records.flush();
    expect((await records.load()).map((r) => [r.id, r.room, r.app]).sort()).toEqual([[kept.id, 'studio', 'notes'], [lost.id, 'gone', 'notes']].sort());
    // An app removed from MEDIA_APPS since: its stream cannot come back.
    await records.save({ id: 'unregistered', room: 'studio', app: 'removed', body: body({ app: 'removed', audio: {} }), started_by: API });

    // The process dies (nothing stops); room "gone" closed meanwhile.
    rooms.delete('gone');
    events = [];
    const next = service();
    expect(await next.resumed).toEqual([kept.id]);
    expect(next.info(kept.id)).toMatchObject({ id: kept.id, room: 'studio', started_by: API });
    expect(events.map((e) => [e.type, e.data.stream_id, e.data.resumed])).toEqual([['media_stream.started', kept.id, true]]);
    await records.flush();
    expect((await records.load()).map((r) => r.id)).toEqual([kept.id]);

    // A stop ends it for good: nothing left to resume.
    await next.stop(kept.id);
    await records.flush();
    expect(await records.load()).toEqual([]);
  });

  it('comes back with the consent its participants had withdrawn, and paused if the API had paused it', async () => {
    const first = service();
    await first.resumed;
    const stream = await first.start('studio', body({ app: 'notes', audio: {} }), GRANTS.get('notes')!, API);
    first.setParticipantPaused('studio', 'p-alice', true);
    await records.flush();
    expect((await records.load())[0]).toMatchObject({ id: stream.id, paused_participants: ['p-alice'] });
    // As if the API had paused it (that needs an app connected, which a test of records has not).
    await records.save({ ...(await records.load())[0]!, paused: true });

    const next = service();
    expect(await next.resumed).toEqual([stream.id]);
    // Alice's withdrawal is in the room's set before any session: a later one adds to it.
    next.setParticipantPaused('studio', 'p-bob', true);
    await records.flush();
    expect((await records.load())[0]).toMatchObject({ id: stream.id, paused: true, paused_participants: ['p-alice', 'p-bob'] });
    next.setParticipantPaused('studio', 'p-alice', false);
    await records.flush();
    expect((await records.load())[0]).toMatchObject({ paused_participants: ['p-bob'] });
  });

  it("adopts a lost egress node's stream from the record its SFU node rebuilt: same id, paused, withdrawals kept; refuses a record of another room, a second copy, an unknown app", async () => {
    const adopter = service();
    const record: MediaStreamRecord = {
      id: 'AAAAAAAAAAAAAAAAAAAAAA', room: 'studio', app: 'notes', body: body({ app: 'notes', audio: { sample_rate: 16000 } }),
      started_by: API, paused: true, paused_participants: ['p-1'],
    };
    const info = await adopter.adopt('studio', record);
    // Paused shows once its app is back (it begins paused); nothing has connected here yet.
    expect([info.id, info.state]).toEqual([record.id, 'INITIALIZE']);
    expect(events.find((e) => e.type === 'media_stream.started')?.data).toMatchObject({ stream_id: record.id, resumed: true });
    const codeOf = (promise: Promise<unknown>) => promise.then(() => 'none', (error: { code?: string }) => error.code);
    expect(await codeOf(adopter.adopt('gone', record))).toBe('bad_request');
    expect(await codeOf(adopter.adopt('studio', record))).toBe('conflict');
    expect(await codeOf(adopter.adopt('studio', { ...record, id: 'BBBBBBBBBBBBBBBBBBBBBB', app: 'removed', body: body({ app: 'removed', audio: {} }) }))).toBe('not_found');
    await records.flush();
    expect((await records.load()).map((r) => [r.id, r.paused, r.paused_participants])).toEqual([[record.id, true, ['p-1']]]);
  });
});
