import type { LayoutName, LayoutOptions, TrackSource } from '@roomcast/protocol';

/** Something the layout can show: a participant's camera (or placeholder) or a screen share. */
export interface LayoutSubject {
  /** Stable key: `${participantId}:camera` or `${participantId}:screen`. */
  key: string;
  participantId: string;
  name: string;
  source: Extract<TrackSource, 'camera' | 'screen' | 'synthetic'>;
  /** The participant's identity: what `pinned` names. */
  identity?: string;
  /** A camera subject with no picture (camera off or absent): `hide_video_off` hides it. */
  videoOff?: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Tile<S extends LayoutSubject = LayoutSubject> extends Rect {
  subject: S;
}

/** The options that change where tiles go (the rest only change how they are drawn). */
export type LayoutGeometry = Pick<LayoutOptions, 'gap' | 'pinned' | 'screen_share' | 'hide_video_off'>;

export interface LayoutInput<S extends LayoutSubject = LayoutSubject> {
  layout: LayoutName;
  options?: LayoutGeometry;
  width: number;
  height: number;
  subjects: S[];
  activeSpeakerId: string | null;
  /** For `single-participant`: whom to show (else the active speaker, else the first). */
  focusParticipantId?: string | null;
}

/** Today's gap between tiles when `gap` is not given. */
export const DEFAULT_GAP = 8;

/** yuv420p needs even coordinates and sizes; everything placed is rounded down to even. */
const even = (n: number): number => Math.max(0, Math.floor(n / 2) * 2);
const evenSize = (n: number): number => Math.max(2, even(n));

/** Where each subject goes on the canvas. Pure: the compositor redraws from this every frame. */
export function computeLayout<S extends LayoutSubject>(input: LayoutInput<S>): Array<Tile<S>> {
  const options = input.options ?? {};
  const subjects = arrangeSubjects(input.subjects, options);
  if (subjects.length === 0) return [];
  const canvas: Rect = { x: 0, y: 0, width: input.width, height: input.height };
  const portrait = input.height > input.width;
  const fit = (cell: Rect): Rect => fitRect(cell, portrait);
  const gap = options.gap ?? DEFAULT_GAP;
  const focus = (): S => pickFocus({ ...input, subjects }, options);
  const share = subjects.find((s) => s.source === 'screen');
  switch (input.layout) {
    case 'spotlight':
      return spotlightTiles(canvas, focus(), subjects, gap, fit);
    case 'single-participant':
      return [{ ...fit(canvas), subject: focus() }];
    default:
      // `grid`, and `web` where no web layout source renders the page: the built-in grid.
      if (share && options.screen_share === 'spotlight') return spotlightTiles(canvas, share, subjects, gap, fit);
      return gridTiles(canvas, subjects, gap, fit);
  }
}

/**
 * Who is shown, in order: `hide_video_off` drops cameras without a picture, `screen_share: only`
 * keeps just the shares while there is one, and pinned identities come first in the order given.
 */
export function arrangeSubjects<S extends LayoutSubject>(subjects: S[], options: LayoutGeometry): S[] {
  let shown = options.hide_video_off ? subjects.filter((s) => s.source === 'screen' || !s.videoOff) : subjects;
  if (options.screen_share === 'only' && shown.some((s) => s.source === 'screen')) shown = shown.filter((s) => s.source === 'screen');
  const pinned = options.pinned ?? [];
  if (pinned.length === 0) return shown;
  const rank = (s: S): number => {
    const i = s.identity === undefined ? -1 : pinned.indexOf(s.identity);
    return i === -1 ? pinned.length : i;
  };
  return shown.map((s, index) => ({ s, index })).sort((a, b) => rank(a.s) - rank(b.s) || a.index - b.index).map(({ s }) => s);
}

/**
 * The subject a spotlight or single layout makes big: a screen share (unless `screen_share:
 * grid`), of the focused or first pinned participant when they share; else that participant;
 * else the active speaker; else the first.
 */
function pickFocus<S extends LayoutSubject>(input: LayoutInput<S>, options: LayoutGeometry): S {
  const pinnedFirst = options.pinned?.length ? input.subjects.find((s) => s.identity !== undefined && options.pinned!.includes(s.identity)) : undefined;
  const wanted = input.focusParticipantId ?? pinnedFirst?.participantId ?? null;
  const byParticipant = (id: string | null) => (id ? input.subjects.filter((s) => s.participantId === id) : []);
  const focusPool = wanted ? byParticipant(wanted) : [];
  const shareWins = options.screen_share !== 'grid';
  const screen = shareWins ? (focusPool.length ? focusPool : input.subjects).find((s) => s.source === 'screen') : undefined;
  const camera = (pool: S[]) => (shareWins ? pool[0] : (pool.find((s) => s.source !== 'screen') ?? pool[0]));
  return screen ?? camera(focusPool) ?? camera(byParticipant(input.activeSpeakerId)) ?? input.subjects[0]!;
}

type Fit = (cell: Rect) => Rect;

function gridTiles<S extends LayoutSubject>(area: Rect, subjects: S[], gap: number, fitRect: Fit): Array<Tile<S>> {
  const n = subjects.length;
  // Alone on stage: the whole frame, no margins.
  if (n === 1) return [{ ...fitRect(area), subject: subjects[0]! }];
  const portrait = area.height > area.width;
  const cols = portrait ? Math.ceil(n / Math.ceil(Math.sqrt(n))) : Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const cellW = (area.width - gap * (cols + 1)) / cols;
  const cellH = (area.height - gap * (rows + 1)) / rows;
  return subjects.map((subject, i) => {
    const row = Math.floor(i / cols);
    const inRow = row === rows - 1 ? n - row * cols : cols;
    const offset = ((cols - inRow) * (cellW + gap)) / 2;
    const col = i - row * cols;
    const cell = { x: area.x + gap + offset + col * (cellW + gap), y: area.y + gap + row * (cellH + gap), width: cellW, height: cellH };
    return { ...fitRect(cell), subject };
  });
}

function spotlightTiles<S extends LayoutSubject>(canvas: Rect, main: S, subjects: S[], gap: number, fitRect: Fit): Array<Tile<S>> {
  const others = subjects.filter((s) => s !== main);
  if (others.length === 0) return [{ ...fitRect(canvas), subject: main }];
  const stripShare = 0.2;
  const mainArea = { ...canvas, height: canvas.height * (1 - stripShare) };
  const strip = { x: canvas.x, y: canvas.y + mainArea.height, width: canvas.width, height: canvas.height * stripShare };
  const perRow = Math.max(others.length, 4);
  const cellW = (strip.width - gap * (perRow + 1)) / perRow;
  const startX = strip.x + (strip.width - (others.length * (cellW + gap) + gap)) / 2;
  const tiles = others.map((subject, i) => ({
    ...fitRect({ x: startX + gap + i * (cellW + gap), y: strip.y, width: cellW, height: strip.height - gap }),
    subject,
  }));
  return [{ ...fitRect({ ...mainArea, x: mainArea.x + gap, y: mainArea.y + gap, width: mainArea.width - 2 * gap, height: mainArea.height - gap }), subject: main }, ...tiles];
}

/**
 * The largest rectangle of the canvas's orientation (16:9, or 9:16 on a portrait canvas) centred
 * in the cell, on even pixels: cameras and screens are landscape, so tiles stay landscape too.
 */
export function fitRect(cell: Rect, portrait = false): Rect {
  const aspect = portrait ? 9 / 16 : 16 / 9;
  let width = cell.width;
  let height = width / aspect;
  if (height > cell.height) {
    height = cell.height;
    width = height * aspect;
  }
  const w = evenSize(width);
  const h = evenSize(height);
  return { x: even(cell.x + (cell.width - w) / 2), y: even(cell.y + (cell.height - h) / 2), width: w, height: h };
}
