import type { Recording } from '../../RoomcastClient.js';
import { type Command, type CommandContext, required } from '../context.js';
import { formatTable, orDash } from '../table.js';

function printRecordings(context: CommandContext, recordings: Recording[], single: boolean): void {
  if (context.json) return context.printJson(single ? recordings[0] : { recordings });
  if (recordings.length === 0) return context.print('no recordings\n');
  context.print(formatTable(
    ['ID', 'ROOM', 'STATUS', 'CREATED', 'ASSETS', 'ERROR'],
    recordings.map((r) => [r.id, r.room, r.status, r.created_at, r.assets.map((a) => `${a.type} ${a.url}`).join(', ') || '-', orDash(r.error)]),
  ));
}

export const recordingCommands: Command[] = [
  {
    name: 'recordings list',
    args: '',
    summary: 'Every recording on the server, oldest first',
    options: {},
    run: async (context) => printRecordings(context, await (await context.client()).recordings.list(), false),
  },
  {
    name: 'recordings get',
    args: '<id>',
    summary: 'A recording: status and its assets (HLS VOD, MP4) once ready',
    options: { id: { type: 'string' } },
    run: async (context) => printRecordings(context, [await (await context.client()).recordings.get(required(context, 'id', 0))], true),
  },
  {
    name: 'recordings delete',
    args: '<id>',
    summary: 'Delete a recording and its files (refused while its live stream still records)',
    options: { id: { type: 'string' } },
    async run(context) {
      const id = required(context, 'id', 0);
      await (await context.client()).recordings.delete(id);
      if (context.json) return context.printJson({ deleted: id });
      context.print(`deleted recording ${id}\n`);
    },
  },
];
