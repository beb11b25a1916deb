import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ASSET_MAX_BYTES, type AssetContentType, AssetContentTypeSchema, AssetIdSchema, type AssetInfo, AppError } from '@roomcast/protocol';
import { sniffImageType } from './imageMagic.js';

const EXTENSIONS: Record<AssetContentType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };
const TYPES_BY_EXTENSION = new Map(Object.entries(EXTENSIONS).map(([type, ext]) => [ext, type as AssetContentType]));

export interface AssetStoreOptions {
  /** Where the files live (ASSETS_DIR); created when the first asset is stored. */
  dir: string;
  /** At most this many assets at once (a full store refuses with limit_exceeded): uploads cannot fill the disk. */
  maxAssets?: number;
}

/** A stored asset: what REST reports, and the file the compositor reads. */
export interface StoredAsset {
  info: AssetInfo;
  path: string;
}

const DEFAULT_MAX_ASSETS = 1000;

/**
 * Uploaded images (layout logos) on the server's disk, one file per asset named `<id>.<ext>`: the
 * random id is the only name, so nothing a client sends becomes a path. The compositor reads them
 * from here, never over HTTP. Written to a temporary name and renamed: a half-written file is never seen.
 */
export class AssetStore {
  constructor(readonly options: AssetStoreOptions) {}

  /** Checks and stores an image: 413 over the limit, 415 unless PNG, JPEG or WebP by header and bytes alike. */
  async put(contentType: string | undefined, data: Buffer): Promise<AssetInfo> {
    const type = checkImage(contentType, data);
    await mkdir(this.options.dir, { recursive: true });
    if ((await this.#files()).length >= (this.options.maxAssets ?? DEFAULT_MAX_ASSETS)) {
      throw new AppError('limit_exceeded', 'too many assets are stored: delete some first');
    }
    const id = `as_${randomBytes(16).toString('base64url')}`;
    const path = join(this.options.dir, `${id}.${EXTENSIONS[type]}`);
    const partial = `${path}.partial`;
    await writeFile(partial, data, { flag: 'wx' });
    await rename(partial, path);
    return this.#info(id, type, (await stat(path)));
  }

  /** The asset, or undefined (an id of the wrong shape is simply unknown). */
  async get(id: string): Promise<StoredAsset | undefined> {
    if (!AssetIdSchema.safeParse(id).success) return undefined;
    for (const [ext, type] of TYPES_BY_EXTENSION) {
      const path = join(this.options.dir, `${id}.${ext}`);
      const stats = await stat(path).catch(() => undefined);
      if (stats?.isFile()) return { info: this.#info(id, type, stats), path };
    }
    return undefined;
  }

  /** The asset's bytes and type: what the logo loader decodes. Rejects when it is gone. */
  async read(id: string): Promise<{ type: AssetContentType; data: Buffer }> {
    const asset = await this.get(id);
    if (!asset) throw new Error(`logo asset ${id} does not exist`);
    return { type: asset.info.content_type, data: await readFile(asset.path) };
  }

  /** True when it existed. A composite already showing it goes on (the image was decoded at start). */
  async delete(id: string): Promise<boolean> {
    const asset = await this.get(id);
    if (!asset) return false;
    await rm(asset.path, { force: true });
    return true;
  }

  async #files(): Promise<string[]> {
    return (await readdir(this.options.dir).catch(() => [])).filter((name) => name.startsWith('as_') && !name.endsWith('.partial'));
  }

  #info(id: string, type: AssetContentType, stats: { size: number; mtime: Date }): AssetInfo {
    return { id, content_type: type, size: stats.size, created_at: stats.mtime.toISOString(), url: `/v1/assets/${id}` };
  }
}

/** The checks of an upload, in the order a client can fix them: size, declared type, then the bytes. */
export function checkImage(contentType: string | undefined, data: Buffer): AssetContentType {
  if (data.length > ASSET_MAX_BYTES) throw new AppError('payload_too_large', `an asset may be at most ${ASSET_MAX_BYTES} bytes`);
  if (data.length === 0) throw new AppError('bad_request', 'the body is empty: send the image bytes');
  const declared = AssetContentTypeSchema.safeParse((contentType ?? '').split(';')[0]!.trim().toLowerCase());
  if (!declared.success) throw new AppError('unsupported_media', 'an asset must be image/png, image/jpeg or image/webp');
  if (sniffImageType(data) !== declared.data) throw new AppError('unsupported_media', `the body is not a ${declared.data} image`);
  return declared.data;
}
