import { z } from 'zod';
import { type RoomSettings, RoomSettingsSchema, RoomTypeNameSchema } from '@roomcast/protocol';
import type { OwnedRecords } from '../cluster/OwnedRecords.js';

/** A room's definition outlives its dead home this long: a room made anew within it is the same room. */
export const ROOM_DEFINITION_TTL_MS = 5 * 60_000;

/** What `POST /v1/rooms` and `PATCH /v1/rooms/:room` said of a room: its type and its own settings. */
export const RoomDefinitionSchema = z.object({ type: RoomTypeNameSchema, settings: RoomSettingsSchema });
export type RoomDefinition = { type: string; settings: RoomSettings };

interface Log {
  warn(object: object, message: string): void;
}

/**
 * ROOMCAST_ROLE=sfu with Redis: each room's type and own settings in Redis (`<prefix>:room-settings:<room>`),
 * so that a room made anew on another node after its home died is the same room — its limits and
 * its roles' capabilities — rather than one of the default type. Writes run one after another (the
 * last one wins); a room that closes on its live home takes its definition with it.
 */
export class RoomDefinitions {
  #saving: Promise<void> = Promise.resolve();
  readonly #stopRefreshing: () => void;

  constructor(
    readonly records: OwnedRecords,
    /** The rooms this node hosts now (their definitions are refreshed). */
    rooms: () => string[],
    readonly log: Log,
  ) {
    this.#stopRefreshing = records.keepFresh(rooms, (error) => this.#warn(error));
  }

  save(room: string, definition: RoomDefinition): void {
    this.#queue(() => this.records.put(room, JSON.stringify(definition)));
  }

  forget(room: string): void {
    this.#queue(() => this.records.remove(room));
  }

  /** The room's definition, if a node wrote one (and it still reads as one). */
  async load(room: string): Promise<RoomDefinition | undefined> {
    const raw = await this.records.get(room);
    if (raw === undefined) return undefined;
    try {
      const parsed = RoomDefinitionSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.#stopRefreshing();
  }

  #queue(write: () => Promise<void>): void {
    this.#saving = this.#saving.then(write).catch((error: unknown) => this.#warn(error));
  }

  #warn(error: unknown): void {
    this.log.warn({ err: error }, "room settings not kept in the cluster (Redis): a room made anew elsewhere gets its type's defaults");
  }
}
