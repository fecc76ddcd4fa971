// vlab's API from TypeScript: the paths and schemas generated from the
// OpenAPI document (schema.d.ts, by openapi-typescript; regenerate with
// clients/generate.sh), called through openapi-fetch.
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, paths } from './schema';
export type Schemas = components['schemas'];
export type ErrorEnvelope = Schemas['ErrorEnvelope'];

/** A client of the API at `baseUrl` (e.g. `http://127.0.0.1:3000`), sending `token` as its bearer token. */
export function createVlabClient(baseUrl: string, token?: string) {
  return createClient<paths>({ baseUrl, headers: token ? { Authorization: `Bearer ${token}` } : {} });
}

export type VlabClient = ReturnType<typeof createVlabClient>;

/** The request of one chunk of an upload: the bytes as the body, unchanged. */
function chunk(id: number, offset: number, bytes: Uint8Array) {
  return {
    params: { path: { id }, query: { offset } },
    // The document types a binary body as a string; fetch sends the bytes as they are.
    body: bytes as unknown as string,
    bodySerializer: (body: unknown) => body as BodyInit,
    headers: { 'Content-Type': 'application/octet-stream' },
  };
}

/** Sends the chunk of an ISO upload that starts at `offset`. */
export function uploadIsoChunk(client: VlabClient, id: number, offset: number, bytes: Uint8Array) {
  return client.PUT('/api/v1/isos/{id}/content', chunk(id, offset, bytes));
}

/** Sends the chunk of a template version's image that starts at `offset`. */
export function uploadTemplateChunk(client: VlabClient, id: number, offset: number, bytes: Uint8Array) {
  return client.PUT('/api/v1/template-versions/{id}/content', chunk(id, offset, bytes));
}
