import { z } from 'zod';
import type { WebLayoutSettings } from '@roomcast/egress';

/** The environment variables of the `web` layout (issue 12). README's Configuration table lists them. */
const WebLayoutEnvSchema = z.object({
  /** Origins a layout page may come from and reach besides the server's own (comma-separated `https://host[:port]`). */
  WEB_LAYOUT_ORIGINS: z.string().default(''),
  /** A page that has not loaded within this long fails its outputs with the reason. */
  WEB_LAYOUT_LOAD_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /**
   * How the page becomes the composite's picture: `x11grab` (default: headful Chromium on its own
   * Xvfb display, grabbed as raw frames; needs Debian's `xvfb`) or `screencast` (headless Chromium,
   * CDP screencast JPEGs; no X server). bench/README.md "Web layout" has the figures.
   */
  WEB_LAYOUT_CAPTURE: z.enum(['x11grab', 'screencast']).default('x11grab'),
});

export interface WebLayoutConfig {
  origins: string[];
  loadTimeoutMs: number;
  capture: NonNullable<WebLayoutSettings['capture']>;
}

/** Reads WEB_LAYOUT_*; `fail` makes the error the caller throws (naming the variable). */
export function loadWebLayoutConfig(env: NodeJS.ProcessEnv, fail: (message: string) => Error): WebLayoutConfig {
  const parsed = WebLayoutEnvSchema.safeParse(env);
  if (!parsed.success) throw fail(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const origins = parsed.data.WEB_LAYOUT_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((text) => originOf(text, fail));
  return { origins, loadTimeoutMs: parsed.data.WEB_LAYOUT_LOAD_TIMEOUT_MS, capture: parsed.data.WEB_LAYOUT_CAPTURE };
}

function originOf(text: string, fail: (message: string) => Error): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw fail(`WEB_LAYOUT_ORIGINS: "${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`WEB_LAYOUT_ORIGINS: "${text}" is not an http(s) origin`);
  if (url.pathname !== '/' || url.search || url.hash || url.username) throw fail(`WEB_LAYOUT_ORIGINS: "${text}" must be an origin only (scheme://host[:port])`);
  return url.origin;
}
