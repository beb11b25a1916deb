import { describe, expect, it } from 'vitest';
import { limitSubjects, type SubjectSource } from './roomSubjects.js';

const camera = (id: string, video = true): SubjectSource => ({
  key: `${id}:camera`,
  participantId: id,
  name: id,
  source: 'camera',
  videoProducerId: video ? `v-${id}` : null,
});
const screen = (id: string): SubjectSource => ({ key: `${id}:screen`, participantId: id, name: `${id} (screen)`, source: 'screen', videoProducerId: `s-${id}` });

describe('limitSubjects', () => {
  it('keeps every subject when they fit', () => {
    const subjects = [camera('a'), camera('b')];
    expect(limitSubjects(subjects, 16, null)).toBe(subjects);
  });

  it('caps the stage, keeping screens, the speaker and cameras that are on, in stage order', () => {
    const subjects = [camera('a', false), camera('b'), camera('c', false), screen('d'), camera('e'), camera('f', false)];
    expect(limitSubjects(subjects, 4, 'f').map((s) => s.key)).toEqual(['b:camera', 'd:screen', 'e:camera', 'f:camera']);
    expect(limitSubjects(subjects, 2, null).map((s) => s.key)).toEqual(['b:camera', 'd:screen']);
  });

  it('never shows more than the cap, however many subjects one participant brings', () => {
    const many = Array.from({ length: 40 }, (_, i) => screen(`p${i}`));
    expect(limitSubjects(many, 16, null)).toHaveLength(16);
  });
});
