import type { Layout, TrackSource } from '@roomcast/protocol';

/** Something the layout can show: a participant's camera (or placeholder) or a screen share. */
export interface LayoutSubject {
  /** Stable key: `${participantId}:camera` or `${participantId}:screen`. */
  key: string;
  participantId: string;
  name: string;
  source: Extract<TrackSource, 'camera' | 'screen' | 'synthetic'>;
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

export interface LayoutInput<S extends LayoutSubject = LayoutSubject> {
  layout: Layout;
  width: number;
  height: number;
  subjects: S[];
  activeSpeakerId: string | null;
  /** For `single-participant`: whom to show (else the active speaker, else the first). */
  focusParticipantId?: string | null;
}

const GAP = 8;

/** yuv420p needs even coordinates and sizes; everything placed is rounded down to even. */
const even = (n: number): number => Math.max(0, Math.floor(n / 2) * 2);
const evenSize = (n: number): number => Math.max(2, even(n));

/** Where each subject goes on the canvas. Pure: the compositor redraws from this every frame. */
export function computeLayout<S extends LayoutSubject>(input: LayoutInput<S>): Array<Tile<S>> {
  if (input.subjects.length === 0) return [];
  const canvas: Rect = { x: 0, y: 0, width: input.width, height: input.height };
  const portrait = input.height > input.width;
  const fit = (cell: Rect): Rect => fitRect(cell, portrait);
  switch (input.layout) {
    case 'grid':
      return gridTiles(canvas, input.subjects, fit);
    case 'spotlight':
      return spotlightTiles(canvas, input, fit);
    case 'single-participant':
      return [{ ...fit(canvas), subject: pickFocus(input) }];
  }
}

/** The subject a spotlight or single layout puts first: a screen share, else the speaker. */
function pickFocus<S extends LayoutSubject>(input: LayoutInput<S>): S {
  const wanted = input.focusParticipantId ?? null;
  const byParticipant = (id: string | null) => (id ? input.subjects.filter((s) => s.participantId === id) : []);
  const focusPool = wanted ? byParticipant(wanted) : [];
  const screen = (focusPool.length ? focusPool : input.subjects).find((s) => s.source === 'screen');
  return screen ?? focusPool[0] ?? byParticipant(input.activeSpeakerId)[0] ?? input.subjects[0]!;
}

type Fit = (cell: Rect) => Rect;

function gridTiles<S extends LayoutSubject>(area: Rect, subjects: S[], fitRect: Fit): Array<Tile<S>> {
  const n = subjects.length;
  // Alone on stage: the whole frame, no margins.
  if (n === 1) return [{ ...fitRect(area), subject: subjects[0]! }];
  const portrait = area.height > area.width;
  const cols = portrait ? Math.ceil(n / Math.ceil(Math.sqrt(n))) : Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const cellW = (area.width - GAP * (cols + 1)) / cols;
  const cellH = (area.height - GAP * (rows + 1)) / rows;
  return subjects.map((subject, i) => {
    const row = Math.floor(i / cols);
    const inRow = row === rows - 1 ? n - row * cols : cols;
    const offset = ((cols - inRow) * (cellW + GAP)) / 2;
    const col = i - row * cols;
    const cell = { x: area.x + GAP + offset + col * (cellW + GAP), y: area.y + GAP + row * (cellH + GAP), width: cellW, height: cellH };
    return { ...fitRect(cell), subject };
  });
}

function spotlightTiles<S extends LayoutSubject>(canvas: Rect, input: LayoutInput<S>, fitRect: Fit): Array<Tile<S>> {
  const main = pickFocus(input);
  const others = input.subjects.filter((s) => s !== main);
  if (others.length === 0) return [{ ...fitRect(canvas), subject: main }];
  const stripShare = 0.2;
  const mainArea = { ...canvas, height: canvas.height * (1 - stripShare) };
  const strip = { x: canvas.x, y: canvas.y + mainArea.height, width: canvas.width, height: canvas.height * stripShare };
  const perRow = Math.max(others.length, 4);
  const cellW = (strip.width - GAP * (perRow + 1)) / perRow;
  const startX = strip.x + (strip.width - (others.length * (cellW + GAP) + GAP)) / 2;
  const tiles = others.map((subject, i) => ({
    ...fitRect({ x: startX + GAP + i * (cellW + GAP), y: strip.y, width: cellW, height: strip.height - GAP }),
    subject,
  }));
  return [{ ...fitRect({ ...mainArea, x: mainArea.x + GAP, y: mainArea.y + GAP, width: mainArea.width - 2 * GAP, height: mainArea.height - GAP }), subject: main }, ...tiles];
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
