/** Chromium's and FFmpeg's argument lists for a web layout: pure, each flag with its reason. */

export interface ChromiumArgsOptions {
  profileDir: string;
  width: number;
  height: number;
  /** Root cannot use Chromium's sandbox (it refuses to start as root without --no-sandbox). */
  runningAsRoot: boolean;
  /** Headful on an X display (captured with x11grab), instead of headless (captured with the screencast). */
  onDisplay?: boolean;
}

export function chromiumArgs({ profileDir, width, height, runningAsRoot, onDisplay = false }: ChromiumArgsOptions): string[] {
  return [
    ...(onDisplay
      ? // The page alone fills the display from its top-left corner: no tab strip, address bar or frame for x11grab to capture.
        ['--kiosk', '--window-position=0,0', '--test-type']
      : // No window, no X server: the page is rendered offscreen and captured with CDP's screencast.
        ['--headless=new']),
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

/** Errors only, and never a read of our stdin: each FFmpeg of a web layout starts so. */
const QUIET = ['-hide_banner', '-loglevel', 'error', '-nostdin'];

/** Decodes the screencast's JPEGs (one after another on stdin) into raw yuv420p pictures of the composite's size. */
export function screencastDecoderArgs(width: number, height: number): string[] {
  return [
    ...QUIET,
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

/**
 * Xvfb for one layout: it picks a free display number and writes it to fd 3 (no race between
 * layouts for a number); 24-bit at the composite's size; no TCP listener, and only clients with the
 * cookie in `xauthority` may connect.
 */
export function xvfbArgs(width: number, height: number, xauthority: string): string[] {
  return ['-displayfd', '3', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp', '-auth', xauthority, '-nocursor'];
}

/**
 * An Xauthority file with one MIT-MAGIC-COOKIE-1 entry valid for any host and display number
 * (family FamilyWild, empty address and number: libXau matches those against anything), so it can
 * be written before Xvfb has picked its display. Format: family (u16 BE), then address, number,
 * name and data, each a u16 BE length and its bytes.
 */
export function xauthorityFile(cookie: Buffer): Buffer {
  const field = (bytes: Buffer): Buffer => Buffer.concat([u16(bytes.length), bytes]);
  return Buffer.concat([u16(0xffff), field(Buffer.alloc(0)), field(Buffer.alloc(0)), field(Buffer.from('MIT-MAGIC-COOKIE-1')), field(cookie)]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** Grabs the layout's X display at the composite's size and rate into raw yuv420p pictures on stdout: no encode here. */
export function x11grabArgs(display: string, width: number, height: number, fps: number): string[] {
  return [
    ...QUIET,
    // Only the X display: nothing else may be opened.
    '-protocol_whitelist',
    'pipe',
    // One grab per composite frame, paced by x11grab itself: the compositor keeps the newest.
    '-f',
    'x11grab',
    '-framerate',
    String(fps),
    '-video_size',
    `${width}x${height}`,
    '-draw_mouse',
    '0',
    '-i',
    display,
    '-pix_fmt',
    'yuv420p',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}
