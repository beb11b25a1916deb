import { QualitySchema } from '@roomcast/protocol';
import type { EgressState, LayoutInput, StartRtmpBroadcastsRequest } from '../../RoomcastClient.js';
import { type Command, type CommandContext, layoutFlag, optional, required } from '../context.js';
import { UsageError } from '../exitCodes.js';
import { formatTable, orDash } from '../table.js';

/** Stream keys are never in the egress state the server returns, so nothing here can print one. */
function printEgress(context: CommandContext, egress: EgressState): void {
  if (context.json) return context.printJson({ egress });
  if (egress.rtmps.length === 0) return context.print('no RTMP broadcasts\n');
  context.print(formatTable(
    ['NAME', 'STATUS', 'STARTED', 'RETRIES', 'ERROR'],
    egress.rtmps.map((r) => [r.name, r.status, orDash(r.started_at), String(r.retries), orDash(r.error)]),
  ));
}

export const broadcastCommands: Command[] = [
  {
    name: 'broadcast start',
    args: '--room <room> --name <name> --stream-url <rtmp(s)://…> [--key -|@file] [--layout <layout>] [--quality <q>]',
    summary: "Send the room's composite to an RTMP(S) destination (adds it to a running composite)",
    flagHelp: [
      '--stream-url <url>   rtmp:// or rtmps:// ingest URL, without the key',
      '--key -|@file        the stream key, read from stdin (-) or a file (@path); never a literal (argv is visible to every user)',
      '                     ROOMCAST_STREAM_KEY is read when --key is absent',
      '--layout <layout>    grid | spotlight | single-participant | web, or a JSON layout object',
      `--quality <q>        ${QualitySchema.options.join(', ')}`,
    ],
    examples: ['printf %s "$YOUTUBE_KEY" | roomcast broadcast start --room standup --name youtube --stream-url rtmp://a.rtmp.youtube.com/live2 --key -'],
    options: {
      room: { type: 'string' },
      name: { type: 'string' },
      'stream-url': { type: 'string' },
      key: { type: 'string' },
      layout: { type: 'string' },
      quality: { type: 'string' },
    },
    async run(context) {
      const quality = optional(context, 'quality');
      if (quality !== undefined && !QualitySchema.safeParse(quality).success) throw new UsageError(`unknown --quality "${quality}"`);
      const key = (await context.secret('key')) ?? context.env('ROOMCAST_STREAM_KEY');
      const layout = layoutFlag(context) as LayoutInput | undefined;
      const request: StartRtmpBroadcastsRequest = {
        broadcasts: [{ name: required(context, 'name'), stream_url: required(context, 'stream-url'), ...(key ? { stream_key: key } : {}) }],
        ...(layout !== undefined ? { layout } : {}),
        ...(quality !== undefined ? { quality: QualitySchema.parse(quality) } : {}),
      };
      printEgress(context, await (await context.client()).rtmpBroadcasts.start(required(context, 'room'), request));
    },
  },
  {
    name: 'broadcast stop',
    args: '--room <room> [--name <name>]',
    summary: 'Stop one broadcast by name (the others go on), or every broadcast of the room',
    options: { room: { type: 'string' }, name: { type: 'string' } },
    async run(context) {
      const client = await context.client();
      const room = required(context, 'room');
      const name = optional(context, 'name');
      printEgress(context, name ? await client.rtmpBroadcasts.stop(room, name) : await client.rtmpBroadcasts.stopAll(room));
    },
  },
  {
    name: 'layout set',
    args: '--room <room> --layout <layout>',
    summary: "Change the layout of every output of the room's running composite (404 if none runs)",
    flagHelp: ['--layout <layout>    grid | spotlight | single-participant | web, or a JSON layout object'],
    examples: ['roomcast layout set --room standup --layout \'{"name":"spotlight","options":{"labels":true}}\''],
    options: { room: { type: 'string' }, layout: { type: 'string' } },
    async run(context) {
      const layout = layoutFlag(context) as LayoutInput | undefined;
      if (layout === undefined) throw new UsageError('missing --layout');
      printEgress(context, await (await context.client()).egress.setLayout(required(context, 'room'), layout));
    },
  },
];
