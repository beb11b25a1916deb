/**
 * A small checker of LL-HLS media playlists for tests, after RFC 8216bis (draft 13): the tags a
 * low-latency playlist needs, their order, and the duration rules. Returns the problems found
 * (none: valid). With `previous` (an earlier reload of the same playlist) it also checks that media
 * sequence numbers never go back and name the same segments.
 */
export function checkLlHls(text: string, previous?: string): string[] {
  const parsed = parse(text);
  const problems = [...parsed.problems, ...headerProblems(parsed), ...durationProblems(parsed), ...orderProblems(parsed)];
  if (previous !== undefined) problems.push(...sequenceProblems(parse(previous), parsed));
  return problems;
}

interface ParsedPart {
  duration: number;
  uri: string | undefined;
  independent: boolean;
  /** Last part listed for its parent segment. */
  last: boolean;
}

interface ParsedSegment {
  duration: number;
  uri: string;
  parts: ParsedPart[];
}

interface Parsed {
  lines: string[];
  tags: Map<string, string[]>;
  segments: ParsedSegment[];
  /** Parts after the last EXTINF: the segment being filled. */
  trailingParts: ParsedPart[];
  problems: string[];
}

const HEADER_TAGS = ['EXT-X-VERSION', 'EXT-X-TARGETDURATION', 'EXT-X-SERVER-CONTROL', 'EXT-X-PART-INF', 'EXT-X-MEDIA-SEQUENCE'];
const ONCE_TAGS = [...HEADER_TAGS, 'EXT-X-PLAYLIST-TYPE', 'EXT-X-ENDLIST', 'EXT-X-PRELOAD-HINT'];
const EPSILON = 1e-6;

function parse(text: string): Parsed {
  const lines = text.split('\n').map((l) => l.trimEnd());
  while (lines.at(-1) === '') lines.pop();
  const parsed: Parsed = { lines, tags: new Map(), segments: [], trailingParts: [], problems: [] };
  if (lines[0] !== '#EXTM3U') parsed.problems.push('the first line is not #EXTM3U');
  let parts: ParsedPart[] = [];
  let pendingDuration: number | undefined;
  for (const line of lines.slice(1)) {
    if (line.startsWith('#EXT')) {
      const [name, value = ''] = splitTag(line);
      parsed.tags.set(name, [...(parsed.tags.get(name) ?? []), value]);
      if (name === 'EXTINF') pendingDuration = Number.parseFloat(value);
      if (name === 'EXT-X-PART') parts.push(partOf(value));
    } else if (line && !line.startsWith('#')) {
      if (pendingDuration === undefined) parsed.problems.push(`URI line "${line}" without EXTINF`);
      if (parts.length) parts.at(-1)!.last = true;
      parsed.segments.push({ duration: pendingDuration ?? Number.NaN, uri: line, parts });
      parts = [];
      pendingDuration = undefined;
    }
  }
  if (pendingDuration !== undefined) parsed.problems.push('EXTINF without a URI line');
  if (parts.length) parts.at(-1)!.last = true;
  parsed.trailingParts = parts;
  return parsed;
}

function headerProblems(p: Parsed): string[] {
  const problems: string[] = [];
  for (const tag of HEADER_TAGS) if (!p.tags.has(tag)) problems.push(`missing #${tag}`);
  for (const tag of ONCE_TAGS) if ((p.tags.get(tag)?.length ?? 0) > 1) problems.push(`#${tag} more than once`);
  if (!p.tags.has('EXT-X-MAP')) problems.push('missing #EXT-X-MAP (fMP4 needs an init segment)');
  const version = Number(first(p, 'EXT-X-VERSION'));
  if (p.tags.has('EXT-X-MAP') && !(version >= 6)) problems.push('EXT-X-MAP in a media playlist needs EXT-X-VERSION 6 or more');
  if (!/^\d+$/.test(first(p, 'EXT-X-MEDIA-SEQUENCE') ?? '')) problems.push('EXT-X-MEDIA-SEQUENCE is not an integer');
  if (!/^\d+$/.test(first(p, 'EXT-X-TARGETDURATION') ?? '')) problems.push('EXT-X-TARGETDURATION is not an integer');
  const control = attributes(first(p, 'EXT-X-SERVER-CONTROL') ?? '');
  if (control['CAN-BLOCK-RELOAD'] !== 'YES') problems.push('EXT-X-SERVER-CONTROL lacks CAN-BLOCK-RELOAD=YES');
  const holdBack = Number(control['PART-HOLD-BACK']);
  if (!(holdBack + EPSILON >= 3 * partTarget(p))) problems.push(`PART-HOLD-BACK ${control['PART-HOLD-BACK']} is less than 3 x PART-TARGET`);
  if (!(partTarget(p) > 0)) problems.push('EXT-X-PART-INF lacks a positive PART-TARGET');
  for (const value of p.tags.get('EXT-X-PROGRAM-DATE-TIME') ?? []) if (Number.isNaN(Date.parse(value))) problems.push(`bad PROGRAM-DATE-TIME ${value}`);
  return problems;
}

function durationProblems(p: Parsed): string[] {
  const problems: string[] = [];
  const target = Number(first(p, 'EXT-X-TARGETDURATION'));
  const partMax = partTarget(p);
  for (const segment of p.segments) {
    if (!(Math.round(segment.duration) <= target)) problems.push(`${segment.uri}: EXTINF ${segment.duration} exceeds TARGETDURATION ${target}`);
    const sum = segment.parts.reduce((total, part) => total + part.duration, 0);
    if (segment.parts.length && Math.abs(sum - segment.duration) > 0.001) problems.push(`${segment.uri}: its parts add up to ${sum}, not ${segment.duration}`);
  }
  for (const part of [...p.segments.flatMap((s) => s.parts), ...p.trailingParts]) {
    if (!part.uri) problems.push('EXT-X-PART without URI');
    if (!(part.duration > 0 && part.duration <= partMax + EPSILON)) problems.push(`${part.uri}: part duration ${part.duration} not in (0, PART-TARGET ${partMax}]`);
    // §4.4.4.9: at least 85% of the target, except INDEPENDENT parts and the last of a parent segment.
    if (!part.independent && !part.last && part.duration < 0.85 * partMax) problems.push(`${part.uri}: part duration ${part.duration} under 85% of PART-TARGET`);
  }
  return problems;
}

function orderProblems(p: Parsed): string[] {
  const problems: string[] = [];
  const firstMedia = p.lines.findIndex((l) => /^#EXTINF|^#EXT-X-PART:|^#EXT-X-PROGRAM-DATE-TIME/.test(l));
  for (const tag of HEADER_TAGS) {
    const at = p.lines.findIndex((l) => l.startsWith(`#${tag}:`));
    if (firstMedia >= 0 && at > firstMedia) problems.push(`#${tag} after the first media segment`);
  }
  const withParts = p.segments.map((s) => s.parts.length > 0);
  if (withParts.some((has, i) => has && withParts.slice(i + 1).some((later) => !later))) problems.push('a segment without parts follows one with parts');
  const last = p.lines.at(-1) ?? '';
  if (p.tags.has('EXT-X-ENDLIST') && last !== '#EXT-X-ENDLIST') problems.push('EXT-X-ENDLIST is not last');
  if (p.tags.has('EXT-X-ENDLIST') && p.tags.has('EXT-X-PRELOAD-HINT')) problems.push('a preload hint in an ended playlist');
  const hint = first(p, 'EXT-X-PRELOAD-HINT');
  if (hint !== undefined) {
    if (!last.startsWith('#EXT-X-PRELOAD-HINT:')) problems.push('EXT-X-PRELOAD-HINT is not last');
    const a = attributes(hint);
    if (a.TYPE !== 'PART' && a.TYPE !== 'MAP') problems.push(`preload hint of TYPE ${a.TYPE}`);
    if (!a.URI) problems.push('preload hint without URI');
  }
  return problems;
}

function sequenceProblems(before: Parsed, after: Parsed): string[] {
  const from = Number(first(before, 'EXT-X-MEDIA-SEQUENCE'));
  const to = Number(first(after, 'EXT-X-MEDIA-SEQUENCE'));
  if (to < from) return [`EXT-X-MEDIA-SEQUENCE went back from ${from} to ${to}`];
  const problems: string[] = [];
  after.segments.forEach((segment, i) => {
    const earlier = before.segments[to + i - from];
    if (earlier && earlier.uri !== segment.uri) problems.push(`media sequence ${to + i} was ${earlier.uri}, now ${segment.uri}`);
  });
  return problems;
}

function partOf(value: string): ParsedPart {
  const a = attributes(value);
  return { duration: Number(a.DURATION), uri: a.URI, independent: a.INDEPENDENT === 'YES', last: false };
}

function partTarget(p: Parsed): number {
  return Number(attributes(first(p, 'EXT-X-PART-INF') ?? '')['PART-TARGET']);
}

function first(p: Parsed, tag: string): string | undefined {
  return p.tags.get(tag)?.[0];
}

function splitTag(line: string): [string, string | undefined] {
  const colon = line.indexOf(':');
  return colon < 0 ? [line.slice(1), undefined] : [line.slice(1, colon), line.slice(colon + 1)];
}

/** An attribute list: NAME=value pairs, values possibly quoted (with commas inside). */
export function attributes(list: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const match of list.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) {
    result[match[1]!] = match[2]!.startsWith('"') ? match[2]!.slice(1, -1) : match[2]!;
  }
  return result;
}
