import { describe, expect, it } from 'vitest';
import { chromiumArgs, screencastDecoderArgs } from './webLayoutArgs.js';
import { allowedOrigins, requestAllowed, webLayoutPageUrl } from './webLayoutSpec.js';

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
});
