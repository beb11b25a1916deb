import type { Room, Sfu } from '@roomcast/sfu';
import type { RoomDefinitions } from '../roomTypes/RoomDefinitions.js';
import type { RoomTypes } from '../roomTypes/RoomTypes.js';
import type { Cluster } from './startCluster.js';

/** Marks a request one SFU node passed to another: never passed on again (no loops). */
export const FORWARDED_HEADER = 'x-roomcast-forwarded';

interface Log {
  warn(object: object, message: string): void;
}

/**
 * Where each room lives in a cluster of SFU nodes (RoomPlacement in Redis): a room is claimed by
 * the node that creates it and released when it closes; a request for a room another live node
 * owns goes there. A room whose owner was lost is free: the next node asked makes it anew (its
 * participants reconnect there).
 */
export class RoomHomes {
  constructor(
    readonly sfu: Sfu,
    readonly cluster: () => Cluster | undefined,
    log: Log,
  ) {
    sfu.on('roomCreated', (room) => {
      const placement = this.cluster()?.placement;
      placement?.claim(room.name).then(
        (owner) => {
          if (owner !== this.cluster()?.registry.id) log.warn({ room: room.name, owner }, 'room made here while another node owns it');
        },
        (error: unknown) => log.warn({ room: room.name, err: error }, 'room not placed in the cluster'),
      );
    });
    sfu.on('roomClosed', (room) => void this.cluster()?.placement.release(room.name).catch(() => undefined));
  }

  #definitions: { store: RoomDefinitions; roomTypes: RoomTypes } | undefined;

  /** Keeps every room's type and own settings in the cluster from now on (once Redis is there). */
  keepDefinitions(store: RoomDefinitions, roomTypes: RoomTypes): void {
    this.#definitions = { store, roomTypes };
    roomTypes.onDefined = (room, definition) => store.save(room, definition);
    this.sfu.on('roomClosed', (room) => store.forget(room.name));
  }

  /**
   * What makes a room about to be made here the room it was on its lost home (its type and own
   * settings); undefined when there is nothing to restore, or Redis cannot say (a default room then).
   */
  async restorer(room: string): Promise<((made: Room) => void) | undefined> {
    const definitions = this.#definitions;
    if (!definitions) return undefined;
    const definition = await definitions.store.load(room).catch(() => undefined);
    return definition && definitions.roomTypes.restorer(definition);
  }

  /**
   * Makes here a room whose home was lost, if this node wins its claim (one survivor does): what it
   * ran comes back as it is made (its settings, its broadcasts). True when it is made here.
   */
  async takeOver(room: string): Promise<boolean> {
    const cluster = this.cluster();
    if (!cluster || this.sfu.rooms.has(room)) return false;
    if ((await cluster.placement.claim(room)) !== cluster.registry.id) return false;
    const restore = await this.restorer(room);
    try {
      await this.sfu.ensureRoom(room, restore);
      return true;
    } catch (error) {
      await cluster.placement.release(room).catch(() => undefined);
      throw error;
    }
  }

  /**
   * The internal URL of the node a room lives on when that is another live node; undefined when it
   * lives here (or nowhere yet: it will be made here). Throws `cluster_unavailable` (503) when Redis
   * cannot say for a room this node does not have: no new placement without it.
   */
  async elsewhere(room: string): Promise<string | undefined> {
    const cluster = this.cluster();
    if (!cluster || this.sfu.rooms.has(room)) return undefined;
    const owner = await cluster.placement.owner(room);
    if (owner === undefined || owner === cluster.registry.id) return undefined;
    return cluster.registry.nodes().find((node) => node.id === owner)?.internal_url;
  }
}
