import { describe, expect, it } from 'vitest';
import { chromiumArgs, screencastDecoderArgs, x11grabArgs, xauthorityFile, xvfbArgs } from './webLayoutArgs.js';
import { allowedOrigins, requestAllowed, settingsForRoom, webLayoutPageUrl } from './webLayoutSpec.js';

const settings = { origins: ['https://layouts.example.com'], serverOrigin: 'http://127.0.0.1:3000' };

describe('webLayoutPageUrl', () => {
  it('accepts a page on an allowed origin or on the server', () => {
    expect(webLayoutPageUrl('https://layouts.example.com/a.html?x=1', settings)).toBe('https://layouts.example.com/a.html?x=1');
    expect(webLayoutPageUrl('http://127.0.0.1:3000/layouts/mine.html', settings)).toBe('http://127.0.0.1:3000/layouts/mine.html');
  });

  it('opens the built-in grid page on the server when no url is given', () => {
    expect(webLayoutPageUrl(undefined, settings)).toBe('http://127.0.0.1:3000/layouts/grid.html');
  });

  it('refuses other origins, other schemes and credentials, as 400s', () => {
    for (const url of ['https://evil.example/a.html', 'http://layouts.example.com/a.html', 'file:///etc/passwd', 'https://u:p@layouts.example.com/']) {
      expect(() => webLayoutPageUrl(url, settings), String(url)).toThrow(expect.objectContaining({ code: 'bad_request' }));
    }
  });
});

describe('requestAllowed', () => {
  const origins = allowedOrigins(settings);
  it('lets through the allowed origins (and their WebSockets) and inline data only', () => {
    expect(requestAllowed('https://layouts.example.com/app.js', origins)).toBe(true);
    expect(requestAllowed('ws://127.0.0.1:3000/ws?token=x', origins)).toBe(true);
    expect(requestAllowed('data:image/png;base64,AAAA', origins)).toBe(true);
    expect(requestAllowed('https://layouts.example.com:8443/app.js', origins)).toBe(false);
    expect(requestAllowed('http://169.254.169.254/latest/meta-data', origins)).toBe(false);
    expect(requestAllowed('file:///etc/passwd', origins)).toBe(false);
    expect(requestAllowed('not a url', origins)).toBe(false);
  });
});

describe('argument lists', () => {
  it('runs Chromium without its sandbox only as root, always on the given throw-away profile', () => {
    const asRoot = chromiumArgs({ profileDir: '/tmp/p', width: 640, height: 360, runningAsRoot: true });
    const asUser = chromiumArgs({ profileDir: '/tmp/p', width: 640, height: 360, runningAsRoot: false });
    expect(asRoot).toContain('--no-sandbox');
    expect(asUser).not.toContain('--no-sandbox');
    expect(asUser).toContain('--user-data-dir=/tmp/p');
    expect(asUser).toContain('--remote-debugging-address=127.0.0.1');
  });

  it('decodes only its stdin pipe into raw pictures of the composite size', () => {
    const args = screencastDecoderArgs(640, 360);
    expect(args[args.indexOf('-protocol_whitelist') + 1]).toBe('pipe');
    expect(args).toContain('scale=640:360:flags=bilinear,format=yuv420p');
    expect(args.at(-1)).toBe('pipe:1');
  });

  it('shows the page headful and full-screen from the corner on a display, headless otherwise', () => {
    const onDisplay = chromiumArgs({ profileDir: '/tmp/p', width: 640, height: 360, runningAsRoot: false, onDisplay: true });
    expect(onDisplay).toEqual(expect.arrayContaining(['--kiosk', '--window-position=0,0', '--window-size=640,360']));
    expect(onDisplay.some((a) => a.startsWith('--headless'))).toBe(false);
    expect(chromiumArgs({ profileDir: '/tmp/p', width: 640, height: 360, runningAsRoot: false })).toContain('--headless=new');
  });

  it('starts Xvfb on a display it picks, of the composite size, without TCP, behind a cookie', () => {
    const args = xvfbArgs(640, 360, '/tmp/x/Xauthority');
    expect(args.slice(0, 2)).toEqual(['-displayfd', '3']);
    expect(args[args.indexOf('-screen') + 2]).toBe('640x360x24');
    expect(args[args.indexOf('-nolisten') + 1]).toBe('tcp');
    expect(args[args.indexOf('-auth') + 1]).toBe('/tmp/x/Xauthority');
  });

  it('writes one wildcard MIT-MAGIC-COOKIE-1 entry', () => {
    const cookie = Buffer.alloc(16, 0xab);
    const file = xauthorityFile(cookie);
    // family 0xffff, empty address, empty number, the name, the 16-byte cookie.
    expect(file.subarray(0, 6)).toEqual(Buffer.from([0xff, 0xff, 0, 0, 0, 0]));
    expect(file.readUInt16BE(6)).toBe(18);
    expect(file.subarray(8, 26).toString()).toBe('MIT-MAGIC-COOKIE-1');
    expect(file.readUInt16BE(26)).toBe(16);
    expect(file.subarray(28)).toEqual(cookie);
  });

  it('grabs the display at the composite size and rate into raw yuv420p on stdout, without the pointer', () => {
    const args = x11grabArgs(':7', 640, 360, 30);
    expect(args[args.indexOf('-f') + 1]).toBe('x11grab');
    expect(args[args.indexOf('-i') + 1]).toBe(':7');
    expect(args[args.indexOf('-video_size') + 1]).toBe('640x360');
    expect(args[args.indexOf('-framerate') + 1]).toBe('30');
    expect(args[args.indexOf('-draw_mouse') + 1]).toBe('0');
    expect(args[args.indexOf('-pix_fmt') + 1]).toBe('yuv420p');
    expect(args.at(-1)).toBe('pipe:1');
  });

  it("on an egress node, a room's page and the origins it may reach are its SFU node's", () => {
    const settings = { origins: ['https://layouts.example'], serverOrigin: 'http://127.0.0.1:4100', loadTimeoutMs: 1000, roomOrigin: (room: string) => (room === 'show' ? 'http://10.0.0.5:3000' : undefined) };
    const show = settingsForRoom(settings, 'show');
    expect(webLayoutPageUrl(undefined, show)).toBe('http://10.0.0.5:3000/layouts/grid.html');
    expect([...allowedOrigins(show)].sort()).toEqual(['http://10.0.0.5:3000', 'https://layouts.example']);
    // A room whose SFU node said nothing: the node's own origin, as in one process.
    expect(settingsForRoom(settings, 'other')).toBe(settings);
    expect(webLayoutPageUrl(undefined, settingsForRoom(settings, 'other'))).toBe('http://127.0.0.1:4100/layouts/grid.html');
  });
});
