import { readConfig } from './config.js';
import { Recorder } from './Recorder.js';
import { startWebhookServer } from './webhookServer.js';

/*
 * The media-stream recorder: a Roomcast app that records every media stream it is sent to one
 * WAV per participant and a transcript. See README.md.
 */
const log = (message: string): void => console.log(`${new Date().toISOString()} ${message}`);

async function main(): Promise<void> {
  const config = readConfig();
  const recorder = new Recorder(config, log);
  const { server, url } = await startWebhookServer({
    host: config.host,
    port: config.port,
    secret: config.clientSecret,
    onEvent: (event) => recorder.handle(event),
  });
  log(`listening for webhooks at ${url}; recordings go to ${config.outDir}`);
  const shutdown = (): void => {
    log('finishing recordings');
    server.close();
    recorder.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
