import { AppError } from '@roomcast/protocol';
import { type ms, withClientInput } from '@roomcast/sfu';
import type { Handler } from '../types.js';

export const produce: Handler<'produce'> = async ({ room, participant }, data) => {
  const producer = await room.produce(participant, {
    transportId: data.transportId,
    kind: data.kind,
    rtpParameters: data.rtpParameters as unknown as ms.RtpParameters,
    source: data.source,
    paused: data.paused,
  });
  return { producerId: producer.id };
};

export const closeProducer: Handler<'closeProducer'> = ({ room, participant }, { producerId }) => {
  room.closeProducer(participant, producerId);
  return {};
};

export const pauseProducer: Handler<'pauseProducer'> = async ({ room, participant }, { producerId }) => {
  await room.setProducerPaused(participant, producerId, true);
  return {};
};

export const resumeProducer: Handler<'resumeProducer'> = async ({ room, participant }, { producerId }) => {
  await room.setProducerPaused(participant, producerId, false);
  return {};
};

export const pauseConsumer: Handler<'pauseConsumer'> = async ({ participant }, { consumerId }) => {
  const consumer = participant.consumer(consumerId);
  await withClientInput('pauseConsumer', () => consumer.pause());
  return {};
};

export const resumeConsumer: Handler<'resumeConsumer'> = async ({ participant }, { consumerId }) => {
  const consumer = participant.consumer(consumerId);
  await withClientInput('resumeConsumer', () => consumer.resume());
  return {};
};

export const setConsumerPreferredLayers: Handler<'setConsumerPreferredLayers'> = async ({ participant }, data) => {
  const consumer = participant.consumer(data.consumerId);
  if (consumer.type !== 'simulcast' && consumer.type !== 'svc') {
    throw new AppError('bad_request', 'consumer has no layers to choose from');
  }
  await withClientInput('setConsumerPreferredLayers', () =>
    consumer.setPreferredLayers({ spatialLayer: data.spatialLayer, temporalLayer: data.temporalLayer }),
  );
  return {};
};

export const requestKeyFrame: Handler<'requestKeyFrame'> = async ({ participant }, { consumerId }) => {
  const consumer = participant.consumer(consumerId);
  await withClientInput('requestKeyFrame', () => consumer.requestKeyFrame());
  return {};
};
