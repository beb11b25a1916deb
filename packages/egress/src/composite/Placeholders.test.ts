import { describe, expect, it } from 'vitest';
import { Placeholders } from './Placeholders.js';

/** Cards rendered instantly (the FFmpeg renderer has its own use in the compositor tests). */
function placeholders(maxCards: number, rendered: string[] = []) {
  return new Placeholders({
    color: '#344054',
    maxCards,
    render: async (name, width, height) => {
      rendered.push(name);
      return { width, height, data: Buffer.alloc(Math.ceil(width * height * 1.5)) };
    },
  });
}

const settle = () => new Promise((r) => setImmediate(r));

describe('Placeholders', () => {
  it('renders a card once and reuses it', async () => {
    const rendered: string[] = [];
    const cards = placeholders(4, rendered);
    expect(cards.get('Ann', 64, 36)).toBeUndefined();
    expect(cards.get('Ann', 64, 36)).toBeUndefined(); // still rendering: not twice
    await settle();
    expect(cards.get('Ann', 64, 36)).toMatchObject({ width: 64, height: 36 });
    expect(rendered).toEqual(['Ann']);
  });

  it('keeps at most maxCards, dropping the least recently shown, however many people came and went', async () => {
    const rendered: string[] = [];
    const cards = placeholders(3, rendered);
    for (const name of ['a', 'b', 'c']) cards.get(name, 64, 36);
    await settle();
    cards.get('a', 64, 36); // shown again: now the most recent
    for (let i = 0; i < 100; i++) {
      cards.get(`guest-${i}`, 64, 36);
      await settle();
      cards.get('a', 64, 36);
    }
    expect(cards.size).toBe(3);
    expect(cards.get('a', 64, 36)).toBeDefined();
    expect(cards.get('b', 64, 36)).toBeUndefined();
    expect(rendered.filter((name) => name === 'a')).toHaveLength(1);
  });

  it('keeps the cards under maxBytes too: a few full-frame cards weigh as much as many tiles', async () => {
    const cards = new Placeholders({
      color: '#344054',
      maxCards: 100,
      maxBytes: 3 * 64 * 36 * 1.5,
      render: async (_name, width, height) => ({ width, height, data: Buffer.alloc(width * height * 1.5) }),
    });
    for (let i = 0; i < 10; i++) {
      cards.get(`guest-${i}`, 64, 36);
      await settle();
    }
    expect(cards.size).toBe(3);
    expect(cards.bytes).toBe(3 * 64 * 36 * 1.5);
    cards.get('huge', 640, 360); // bigger than the budget alone: kept (it is on screen), all else goes
    await settle();
    expect(cards.size).toBe(1);
    expect(cards.get('huge', 640, 360)).toBeDefined();
  });

  it('survives a card that cannot be rendered, and tries again later', async () => {
    let fail = true;
    const cards = new Placeholders({
      color: '#344054',
      render: async (_name, width, height) => {
        if (fail) throw new Error('no FFmpeg');
        return { width, height, data: Buffer.alloc(width * height * 1.5) };
      },
    });
    expect(cards.get('Ann', 64, 36)).toBeUndefined();
    await settle();
    fail = false;
    expect(cards.get('Ann', 64, 36)).toBeUndefined();
    await settle();
    expect(cards.get('Ann', 64, 36)).toBeDefined();
  });
});
