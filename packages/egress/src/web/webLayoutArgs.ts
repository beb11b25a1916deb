/** Chromium's and FFmpeg's argument lists for a web layout: pure, each flag with its reason. */

export interface ChromiumArgsOptions {
  profileDir: string;
  width: number;
  height: number;
  /** Root cannot use Chromium's sandbox (it refuses to start as root without --no-sandbox). */
  runningAsRoot: boolean;
}

export function chromiumArgs({ profileDir, width, height, runningAsRoot }: ChromiumArgsOptions): string[] {
  return [
    // No window, no X server: the page is rendered offscreen and captured with CDP's screencast.
    '--headless=new',
    // A fresh profile per output, removed at stop: no cookies or storage carried between pages.
    `--user-data-dir=${profileDir}`,
    // Playwright connects over this; port 0 lets Chromium pick a free one, bound to loopback only.
    '--remote-debugging-address=127.0.0.1',
    '--remote-debugging-port=0',
    `--window-size=${width},${height}`,
    // Chromium's sandbox needs an unprivileged user: as root (containers) it will not start with it.
    ...(runningAsRoot ? ['--no-sandbox'] : []),
    // Nothing of the browser's own reaches out: only what the page asks, and request interception filters that.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-extensions',
    '--disable-default-apps',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-quic',
    '--disable-gpu',
    '--mute-audio',
    // Never a real camera or microphone, never a permission prompt that would wait forever.
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--deny-permission-prompts',
    '--autoplay-policy=no-user-gesture-required',
    // A hidden tab must go on painting and running timers at full rate.
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
    '--force-webrtc-ip-handling-policy=default_public_and_private_interfaces',
    'about:blank',
  ];
}

/** Decodes the screencast's JPEGs (one after another on stdin) into raw yuv420p pictures of the composite's size. */
export function screencastDecoderArgs(width: number, height: number): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    // Only this pipe of JPEGs: nothing else may be opened.
    '-protocol_whitelist',
    'pipe',
    // Each picture as soon as it is whole: no probing ahead, no input buffering.
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    '-fflags',
    'nobuffer',
    '-f',
    'image2pipe',
    '-c:v',
    'mjpeg',
    '-i',
    'pipe:0',
    // The page is rendered at the composite's size already; scale only guards against a different one.
    '-vf',
    `scale=${width}:${height}:flags=bilinear,format=yuv420p`,
    // One picture out per picture in: the compositor keeps the newest and draws it on its own clock.
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'yuv420p',
    'pipe:1',
  ];
}
