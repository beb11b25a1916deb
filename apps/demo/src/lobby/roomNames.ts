const ADJECTIVES = ['amber', 'brisk', 'calm', 'cosmic', 'daring', 'eager', 'gentle', 'lucky', 'mellow', 'quiet', 'sunny', 'swift'];
const NOUNS = ['badger', 'comet', 'falcon', 'harbor', 'lagoon', 'maple', 'meadow', 'otter', 'pine', 'river', 'summit', 'willow'];

/** A room name people can read out loud ("sunny-otter-4821"), in the server's room-name alphabet. */
export function randomRoomName(random: () => number = Math.random): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const digits = String(Math.floor(random() * 10_000)).padStart(4, '0');
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${digits}`;
}
