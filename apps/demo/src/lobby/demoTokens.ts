import { DemoInfoResponseSchema, type DemoTokenBody, type DemoTokenResponse, DemoTokenResponseSchema, ErrorBodySchema } from '@roomcast/protocol';

/**
 * The dev-mode token endpoint (`POST /v1/demo/tokens`). It exists only while the server runs with
 * the published dev credentials; a real deployment mints tokens in its own backend (README).
 */
const ENDPOINT = '/v1/demo/tokens';

/** Whether the server offers demo tokens: `GET /v1/demo` exists only in dev mode (404 otherwise). */
export async function demoTokensAvailable(): Promise<boolean> {
  const response = await fetch('/v1/demo');
  return response.ok && DemoInfoResponseSchema.safeParse(await response.json().catch(() => null)).success;
}

export async function mintDemoToken(request: DemoTokenBody): Promise<DemoTokenResponse> {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body: unknown = await response.json().catch(() => null);
  const minted = DemoTokenResponseSchema.safeParse(body);
  if (response.ok && minted.success) return minted.data;
  throw new Error(ErrorBodySchema.safeParse(body).data?.error.message ?? `the server answered ${response.status}`);
}
