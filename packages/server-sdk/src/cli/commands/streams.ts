import { QualitySchema } from '@roomcast/protocol';
import type { LayoutInput, LiveStream, MediaStream, StartLiveStreamRequest } from '../../RoomcastClient.js';
import { type Command, type CommandContext, layoutFlag, optional, required } from '../context.js';
import { UsageError } from '../exitCodes.js';
import { formatTable, orDash } from '../table.js';

function printLiveStreams(context: CommandContext, streams: LiveStream[], single: boolean): void {
  if (context.json) return context.printJson(single ? streams[0] : { live_streams: streams });
  if (streams.length === 0) return context.print('no live streams\n');
  context.print(formatTable(
    ['ID', 'NAME', 'STATUS', 'PLAYBACK', 'RENDITIONS', 'ERROR'],
    streams.map((s) => [s.id, s.name, s.status, s.playback.url, s.renditions.join(','), orDash(s.error)]),
  ));
}

function printMediaStreams(context: CommandContext, streams: MediaStream[], single: boolean): void {
  if (context.json) return context.printJson(single ? streams[0] : { media_streams: streams });
  if (streams.length === 0) return context.print('no media streams\n');
  const carries = (s: MediaStream): string => [s.audio && 'audio', s.video && 'video', s.transcript && 'transcript'].filter(Boolean).join(',');
  context.print(formatTable(
    ['ID', 'APP', 'ROOM', 'STATE', 'CARRIES', 'CONNECTIONS', 'REASON'],
    streams.map((s) => [s.id, s.app, s.room, s.state, carries(s), String(s.connections), orDash(s.reason)]),
  ));
}

function qualityFlags(context: CommandContext): Pick<StartLiveStreamRequest, 'quality' | 'renditions'> {
  const parse = (value: string, flag: string) => {
    const quality = QualitySchema.safeParse(value);
    if (!quality.success) throw new UsageError(`unknown --${flag} "${value}"`);
    return quality.data;
  };
  const quality = optional(context, 'quality');
  const renditions = context.values.rendition as string[] | undefined;
  return {
    ...(quality !== undefined ? { quality: parse(quality, 'quality') } : {}),
    ...(renditions ? { renditions: renditions.map((r) => parse(r, 'rendition')) } : {}),
  };
}

const byId = (name: string, summary: string, act: (context: CommandContext, id: string) => Promise<void>): Command => ({
  name,
  args: '<id>',
  summary,
  options: { id: { type: 'string' } },
  run: (context) => act(context, required(context, 'id', 0)),
});

export const liveStreamCommands: Command[] = [
  {
    name: 'live-stream start',
    args: '--room <room> [--name <name>] [--quality <q>] [--rendition <q>]… [--layout <layout>] [--record]',
    summary: "Start an HLS live stream of the room's composite; prints its playback URL",
    flagHelp: ['--rendition <q>   repeatable: the ABR ladder', '--record          keep every segment: the live URL becomes a VOD at stop'],
    examples: ['roomcast live-stream start --room standup --quality 720p --record'],
    options: { room: { type: 'string' }, name: { type: 'string' }, quality: { type: 'string' }, rendition: { type: 'string', multiple: true }, layout: { type: 'string' }, record: { type: 'boolean' } },
    async run(context) {
      const name = optional(context, 'name');
      const layout = layoutFlag(context) as LayoutInput | undefined;
      const request: StartLiveStreamRequest = {
        ...(name ? { name } : {}),
        ...qualityFlags(context),
        ...(layout !== undefined ? { layout } : {}),
        ...(context.values.record ? { recording: { hls_vod: true } } : {}),
      };
      printLiveStreams(context, [await (await context.client()).liveStreams.start(required(context, 'room'), request)], true);
    },
  },
  byId('live-stream get', 'Show a live stream: status, playback URL, recording', async (context, id) =>
    printLiveStreams(context, [await (await context.client()).liveStreams.get(id)], true)),
  byId('live-stream stop', 'Stop a live stream (answers once stopped)', async (context, id) =>
    printLiveStreams(context, [await (await context.client()).liveStreams.stop(id)], true)),
  {
    name: 'live-stream list',
    args: '--room <room>',
    summary: "The room's live streams, ended ones included",
    options: { room: { type: 'string' } },
    run: async (context) => printLiveStreams(context, await (await context.client()).liveStreams.list(required(context, 'room', 0)), false),
  },
];

export const mediaStreamCommands: Command[] = [
  {
    name: 'media-stream start',
    args: '--room <room> --app <app> [--audio] [--video] [--transcript]',
    summary: "Stream the room's live media to an app registered in the server's MEDIA_APPS",
    flagHelp: ['--audio, --video, --transcript   what to send (at least one), with the server\'s defaults'],
    examples: ['roomcast media-stream start --room standup --app transcriber --audio --transcript'],
    options: { room: { type: 'string' }, app: { type: 'string' }, audio: { type: 'boolean' }, video: { type: 'boolean' }, transcript: { type: 'boolean' } },
    async run(context) {
      const { audio, video, transcript } = context.values;
      if (!audio && !video && !transcript) throw new UsageError('ask for at least one of --audio, --video, --transcript');
      const stream = await (await context.client()).mediaStreams.start(required(context, 'room'), {
        app: required(context, 'app'),
        ...(audio ? { audio: {} } : {}),
        ...(video ? { video: {} } : {}),
        ...(transcript ? { transcript: true } : {}),
      });
      printMediaStreams(context, [stream], true);
    },
  },
  byId('media-stream get', 'Show a media stream: state, what it carries, connections', async (context, id) =>
    printMediaStreams(context, [await (await context.client()).mediaStreams.get(id)], true)),
  byId('media-stream pause', 'Pause: media stops, the app is told', async (context, id) =>
    printMediaStreams(context, [await (await context.client()).mediaStreams.pause(id)], true)),
  byId('media-stream resume', 'Resume a paused stream', async (context, id) =>
    printMediaStreams(context, [await (await context.client()).mediaStreams.resume(id)], true)),
  byId('media-stream stop', 'Stop for good; the app is told and its sockets close', async (context, id) =>
    printMediaStreams(context, [await (await context.client()).mediaStreams.stop(id)], true)),
  {
    name: 'media-stream list',
    args: '--room <room>',
    summary: "The room's media streams",
    options: { room: { type: 'string' } },
    run: async (context) => printMediaStreams(context, await (await context.client()).mediaStreams.list(required(context, 'room', 0)), false),
  },
];
