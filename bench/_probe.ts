import { test } from 'vitest';
import { spawn } from 'node:child_process';
import { startRtmpServer } from '../test/support/rtmpServer.js';
import { FirstFrameReader } from './firstFrame.js';
import { relayArgs } from '../packages/egress/src/args/relayArgs.js';
test('probe', async () => {
  const rtmp = await startRtmpServer();
  try {
    for (const viaRelay of [false, true]) {
      const key = viaRelay ? 'relay' : 'direct';
      const r = new FirstFrameReader(rtmp.rtmpUrl(key));
      await new Promise((res) => setTimeout(res, 1000));
      const t0 = performance.now();
      const enc = ['-hide_banner','-loglevel','error','-re','-f','lavfi','-i','testsrc2=size=1280x720:rate=30','-re','-f','lavfi','-i','sine','-c:v','libx264','-preset','veryfast','-tune','zerolatency','-g','60','-c:a','aac','-f','flv'];
      const pub = spawn('ffmpeg', [...enc, viaRelay ? 'pipe:1' : rtmp.rtmpUrl(key)], {stdio:['ignore', viaRelay ? 'pipe' : 'ignore', 'inherit']});
      let relay;
      let firstEnc = 0;
      if (viaRelay) {
        relay = spawn('ffmpeg', relayArgs(rtmp.rtmpUrl(key)).map((a) => (process.env.NOBUF === '0' && a === '+nobuffer' ? '+genpts' : a)), {stdio:['pipe','ignore','inherit']});
        pub.stdout!.once('data', () => (firstEnc = performance.now() - t0));
        pub.stdout!.pipe(relay.stdin!);
      }
      const at = await r.done;
      console.log(key, 'encoder first', firstEnc, 'attempts', r.attempts, 'latency', at ? at - t0 : null, r.lastError);
      pub.kill('SIGKILL'); relay?.kill('SIGKILL');
    }
  } finally { await rtmp.stop(); }
});
