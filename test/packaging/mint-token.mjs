// Run in the consumer project: a participant token minted with the packed server SDK, for the page.
import { AccessToken } from '@roomcast/server-sdk';

const { ROOMCAST_API_KEY: apiKey, ROOMCAST_API_SECRET: apiSecret, ROOM: room, IDENTITY: identity } = process.env;
const token = await new AccessToken({ apiKey, apiSecret }).forParticipant({ room, identity, name: identity, role: 'participant' }).toJwt();
console.log(token);
