import type { Room } from '../../RoomcastClient.js';
import { type Command, type CommandContext, optional, required } from '../context.js';
import { formatFields, formatTable, orDash } from '../table.js';

function printRoom(context: CommandContext, room: Room): void {
  if (context.json) return context.printJson({ room });
  const egress = room.egress;
  context.print(
    formatFields([
      ['name', room.name],
      ['type', room.type],
      ['created', room.created_at],
      ['participants', String(room.participants.length)],
      ['active speaker', orDash(room.active_speaker)],
      ['broadcasting', egress.broadcasting ? 'yes' : 'no'],
      ['rtmp', egress.rtmps.map((r) => `${r.name} (${r.status})`).join(', ') || '-'],
      ['live streams', egress.live_streams.map((s) => `${s.id} (${s.status})`).join(', ') || '-'],
      ['media streams', egress.media_streams.map((s) => `${s.id} (${s.state})`).join(', ') || '-'],
    ]),
  );
  if (room.participants.length === 0) return;
  context.print('\n' + formatTable(
    ['IDENTITY', 'NAME', 'ROLE', 'JOINED', 'TRACKS'],
    room.participants.map((p) => [p.identity, p.name, p.role, p.joined_at, String(p.producers.length)]),
  ));
}

export const roomCommands: Command[] = [
  {
    name: 'rooms list',
    args: '',
    summary: 'List the rooms open on the server',
    options: {},
    async run(context) {
      const rooms = await (await context.client()).rooms.list();
      if (context.json) return context.printJson({ rooms });
      if (rooms.length === 0) return context.print('no rooms\n');
      context.print(formatTable(
        ['NAME', 'TYPE', 'PARTICIPANTS', 'BROADCASTING', 'CREATED'],
        rooms.map((r) => [r.name, r.type, String(r.participants.length), r.egress.broadcasting ? 'yes' : 'no', r.created_at]),
      ));
    },
  },
  {
    name: 'rooms create',
    args: '[--name <room>] [--type <type>]',
    summary: 'Create a room (a name is generated when none is given)',
    flagHelp: ['--name <room>   letters, digits, "-" and "_"', '--type <type>   a room type of the server\'s ROOM_TYPES_FILE'],
    examples: ['roomcast rooms create --name standup'],
    options: { name: { type: 'string' }, type: { type: 'string' } },
    async run(context) {
      const name = optional(context, 'name');
      const type = optional(context, 'type');
      const room = await (await context.client()).rooms.create({ ...(name ? { name } : {}), ...(type ? { type } : {}) });
      printRoom(context, room);
    },
  },
  {
    name: 'rooms get',
    args: '<room>',
    summary: 'Show a room: participants, broadcasts, live and media streams',
    examples: ['roomcast rooms get standup --json'],
    options: { room: { type: 'string' } },
    async run(context) {
      printRoom(context, await (await context.client()).rooms.get(required(context, 'room', 0)));
    },
  },
  {
    name: 'rooms delete',
    args: '<room>',
    summary: 'Close a room and everything it feeds (broadcasts, live and media streams)',
    options: { room: { type: 'string' } },
    async run(context) {
      const room = required(context, 'room', 0);
      await (await context.client()).rooms.delete(room);
      if (context.json) return context.printJson({ deleted: room });
      context.print(`deleted room ${room}\n`);
    },
  },
];
