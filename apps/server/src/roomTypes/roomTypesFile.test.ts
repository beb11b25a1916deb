import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { loadRoomTypesFile, parseRoomTypes } from './roomTypesFile.js';

const NO_APPS = new Set<string>();

const YAML = `
default_type: meeting
types:
  meeting:
    limits: { max_participants: 50 }
  webinar:
    broadcasting:
      rtmp: { quality: 1080p, layout: spotlight }
      hls: { renditions: [720p, 360p], recording: { hls_vod: true } }
    roles:
      participant: [subscribe]
`;

describe('ROOM_TYPES_FILE', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'room-types-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads YAML (by extension), keeps the built-in default type and takes default_type', async () => {
    const path = join(dir, 'types.yaml');
    await writeFile(path, YAML);
    const loaded = loadRoomTypesFile(path, NO_APPS);
    expect(loaded.defaultType).toBe('meeting');
    expect([...loaded.types.keys()].sort()).toEqual(['default', 'meeting', 'webinar']);
    expect(loaded.types.get('webinar')).toEqual({
      broadcasting: { rtmp: { quality: '1080p', layout: 'spotlight' }, hls: { renditions: ['720p', '360p'], recording: { hls_vod: true } } },
      roles: { participant: ['subscribe'] },
    });
  });

  it('reads JSON, with the built-in default type when default_type is absent', async () => {
    const path = join(dir, 'types.json');
    await writeFile(path, JSON.stringify({ types: { locked: { broadcasting: { enabled: false } } } }));
    const loaded = loadRoomTypesFile(path, NO_APPS);
    expect(loaded.defaultType).toBe('default');
    expect(loaded.types.get('locked')).toEqual({ broadcasting: { enabled: false } });
    expect(loaded.types.get('default')).toEqual({});
  });

  it('names the bad field: a wrong value, an unknown key, an unknown default type or app', () => {
    expect(() => parseRoomTypes('types: { w: { broadcasting: { rtmp: { quality: 4k } } } }', 'yaml', NO_APPS)).toThrow(
      /ROOM_TYPES_FILE types\.w\.broadcasting\.rtmp\.quality:/,
    );
    expect(() => parseRoomTypes('{"types": {"w": {"limits": {"max_participants": 0}}}}', 'json', NO_APPS)).toThrow(
      /types\.w\.limits\.max_participants/,
    );
    expect(() => parseRoomTypes('{"types": {"w": {"limitz": {}}}}', 'json', NO_APPS)).toThrow(/types\.w: .*limitz/);
    expect(() => parseRoomTypes('{"types": {"w": {"roles": {"viewer": ["fly"]}}}}', 'json', NO_APPS)).toThrow(/types\.w\.roles\.viewer\.0/);
    expect(() => parseRoomTypes('{"types": {}, "default_type": "nope"}', 'json', NO_APPS)).toThrow(/default_type: no type named "nope"/);
    expect(() => parseRoomTypes('{"types": {"w": {"media_streams": {"auto_start": ["bot"]}}}}', 'json', NO_APPS)).toThrow(
      /types\.w\.media_streams\.auto_start: no app "bot"/,
    );
    expect(parseRoomTypes('{"types": {"w": {"media_streams": {"auto_start": ["bot"]}}}}', 'json', new Set(['bot'])).types.has('w')).toBe(true);
    expect(() => parseRoomTypes('types: [unclosed', 'yaml', NO_APPS)).toThrow(/ROOM_TYPES_FILE is not valid YAML/);
  });

  it('stops the server at start: loadConfig fails with the field, and on an unreadable file', async () => {
    const path = join(dir, 'bad.yml');
    await writeFile(path, 'types:\n  w:\n    broadcasting:\n      enabled: maybe\n');
    expect(() => loadConfig({ ROOM_TYPES_FILE: path })).toThrow(/invalid configuration: ROOM_TYPES_FILE types\.w\.broadcasting\.enabled/);
    expect(() => loadConfig({ ROOM_TYPES_FILE: join(dir, 'missing.yaml') })).toThrow(/ROOM_TYPES_FILE: cannot read/);
    expect(loadConfig({}).roomTypes.defaultType).toBe('default');
  });
});
