/**
 * The layouts bench/egress.ts compares (BENCH_LAYOUTS): today's plain grid, and the grid with
 * every option of issue 12 on (background, logo, coloured labels, gap, rounded tiles, a pin,
 * screen_share, hide_video_off, a banner). The logo is a PNG served from loopback.
 */
import type { Layout } from '@roomcast/protocol';
import { makePng, startFileServer } from '../test/support/frameGrab.js';

export type LayoutVariant = 'plain' | 'all-options';

export function parseVariants(value: string | undefined): LayoutVariant[] {
  const names = (value ?? 'plain').split(',').map((s) => s.trim());
  for (const name of names) if (name !== 'plain' && name !== 'all-options') throw new Error(`BENCH_LAYOUTS: unknown layout "${name}"`);
  return names as LayoutVariant[];
}

export async function layoutVariants(): Promise<{ layout: (variant: LayoutVariant) => Layout; close: () => Promise<void> }> {
  const files = await startFileServer({ '/logo.png': { type: 'image/png', body: await makePng('red', 128) } });
  const allOptions: Layout = {
    name: 'grid',
    options: {
      background: '#1d2939',
      logo: { url: files.url('/logo.png'), position: 'top-right', size: 0.1, opacity: 0.8, margin: 16 },
      labels: { show: true, color: '#ffcc00', background: '#101828' },
      gap: 12,
      tile_radius: 16,
      pinned: ['pub-2'],
      screen_share: 'spotlight',
      hide_video_off: true,
      banner: { text: 'Roomcast benchmark: every layout option on', color: '#ffffff', background: '#b42318', position: 'bottom' },
    },
  };
  return { layout: (variant) => (variant === 'plain' ? 'grid' : allOptions), close: files.close };
}

/** all-options against plain per destination count: medians over the repeats, and their ratio. */
export function compareVariants(runs: Array<{ layout: LayoutVariant; destinations: number; egress_cpu_cores: number; egress_in_floors: number; breakdown_cores: { node_compositing: number } }>) {
  const median = (xs: number[]): number | null => {
    if (xs.length === 0) return null;
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const r3 = (n: number | null): number | null => (n === null ? null : Math.round(n * 1000) / 1000);
  const counts = [...new Set(runs.map((r) => r.destinations))];
  return counts.map((destinations) => {
    const of = (layout: LayoutVariant, pick: (r: (typeof runs)[number]) => number) => median(runs.filter((r) => r.layout === layout && r.destinations === destinations).map(pick));
    const plain = { egress_cpu_cores: of('plain', (r) => r.egress_cpu_cores), egress_in_floors: of('plain', (r) => r.egress_in_floors), node_compositing: of('plain', (r) => r.breakdown_cores.node_compositing) };
    const all = { egress_cpu_cores: of('all-options', (r) => r.egress_cpu_cores), egress_in_floors: of('all-options', (r) => r.egress_in_floors), node_compositing: of('all-options', (r) => r.breakdown_cores.node_compositing) };
    const ratio = (a: number | null, b: number | null) => (a !== null && b ? r3(a / b) : null);
    return {
      destinations,
      repeats: runs.filter((r) => r.layout === 'plain' && r.destinations === destinations).length,
      plain: { egress_cpu_cores: r3(plain.egress_cpu_cores), egress_in_floors: r3(plain.egress_in_floors), node_compositing: r3(plain.node_compositing) },
      all_options: { egress_cpu_cores: r3(all.egress_cpu_cores), egress_in_floors: r3(all.egress_in_floors), node_compositing: r3(all.node_compositing) },
      all_options_over_plain_cores: ratio(all.egress_cpu_cores, plain.egress_cpu_cores),
      all_options_over_plain_in_floors: ratio(all.egress_in_floors, plain.egress_in_floors),
      target: 'all_options within 5% of plain (ratio <= 1.05)',
    };
  });
}
