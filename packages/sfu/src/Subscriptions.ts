import type { types as ms } from 'mediasoup';
import type { Participant, PublishedTrack } from './Participant.js';
import type { RoomRouters } from './RoomRouters.js';

/**
 * Delivers every published track to every other participant: one paused consumer per (subscriber,
 * producer), announced with `newConsumer`; the client resumes it. Any participant may leave and any
 * producer may close during the await in the middle, so the state is checked again after it, and a
 * producer being consumed is marked first so two concurrent calls cannot create two consumers.
 */
export class Subscriptions {
  constructor(
    readonly router: ms.Router,
    /** Read at each consume: the room's limits may change while it lives. */
    readonly maxConsumers: () => number,
    /** A subscriber on another worker's router of the room consumes once the track is piped there. */
    readonly routers?: Pick<RoomRouters, 'pipeFor'>,
  ) {}

  /** Creates a consumer of `track` for `subscriber`, unless it has one, cannot take it, or is full. */
  async consume(subscriber: Participant, publisher: Participant, track: PublishedTrack): Promise<void> {
    const transport = subscriber.recvTransport;
    const rtpCapabilities = subscriber.rtpCapabilities;
    const { producer } = track;
    if (!subscriber.canConsume || subscriber.closed || publisher.closed || !transport || !rtpCapabilities) return;
    if (producer.closed || subscriber.consuming.has(producer.id) || this.#hasConsumerOf(subscriber, producer.id)) return;
    if (subscriber.consumers.size + subscriber.consuming.size >= this.maxConsumers()) return;
    if (!this.#canConsume(producer.id, rtpCapabilities)) return;
    subscriber.consuming.add(producer.id);
    let consumer: ms.Consumer;
    try {
      const piping = this.routers?.pipeFor(transport, producer.id);
      if (piping) {
        await piping;
        if (producer.closed || transport.closed || subscriber.closed) return;
      }
      consumer = await transport.consume({ producerId: producer.id, rtpCapabilities, paused: true });
    } catch (error) {
      // The producer or transport closed while consuming: nothing was made, nothing to clean up.
      if (producer.closed || transport.closed || subscriber.closed) return;
      throw error;
    } finally {
      subscriber.consuming.delete(producer.id);
    }
    if (subscriber.closed || publisher.closed || producer.closed || consumer.closed) {
      consumer.close();
      return;
    }
    subscriber.consumers.set(consumer.id, consumer);
    this.#wire(subscriber, consumer);
    subscriber.notify('newConsumer', {
      id: consumer.id,
      producerId: producer.id,
      participantId: publisher.id,
      kind: consumer.kind,
      source: track.source,
      rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
      producerPaused: consumer.producerPaused,
    });
  }

  /** Every track of everyone else, one at a time (each consume is a round trip to the worker). */
  async consumeAll(subscriber: Participant, others: Iterable<Participant>): Promise<void> {
    for (const other of [...others]) {
      for (const track of [...other.producers.values()]) {
        if (subscriber.closed) return;
        await this.consume(subscriber, other, track);
      }
    }
  }

  #hasConsumerOf(subscriber: Participant, producerId: string): boolean {
    for (const consumer of subscriber.consumers.values()) if (consumer.producerId === producerId) return true;
    return false;
  }

  /** mediasoup validates the capabilities here and throws on malformed ones: that is a "no". */
  #canConsume(producerId: string, rtpCapabilities: ms.RtpCapabilities): boolean {
    try {
      return this.router.canConsume({ producerId, rtpCapabilities });
    } catch {
      return false;
    }
  }

  #wire(subscriber: Participant, consumer: ms.Consumer): void {
    const forget = (): void => {
      if (subscriber.consumers.delete(consumer.id)) subscriber.notify('consumerClosed', { consumerId: consumer.id });
    };
    consumer.on('transportclose', () => subscriber.consumers.delete(consumer.id));
    consumer.on('producerclose', forget);
    consumer.on('producerpause', () => subscriber.notify('consumerPaused', { consumerId: consumer.id }));
    consumer.on('producerresume', () => subscriber.notify('consumerResumed', { consumerId: consumer.id }));
  }
}
