/**
 * Model families as declarative tables (STYLE 7): which graphs a family's bundle has, which
 * session keeps a KV cache, how the image reaches the decoder and which layer tail the explain
 * head was exported for. A new family (LLaVA-NeXT, Qwen2-VL, …) adds a row here and, where its
 * inputs differ, a small subclass of FamilyAdapter.
 */
import type { BundleManifest, GraphRole } from './manifest';
import { DexarError } from '../../shared/api/envelope';
import { UnsupportedFamilyError } from './bundle-errors';

export interface FamilyTable {
  /** Graph roles the bundle must carry, in load order. */
  readonly graphs: readonly GraphRole[];
  /** The graph whose session carries the KV cache between calls (past_* → present_*). */
  readonly kvCacheGraph: GraphRole;
  /** How the one image placeholder becomes decoder rows: N copies overwritten by vision rows. */
  readonly imageTokens: 'repeat';
  /** The layer tail the explain head differentiates: h = m + MLP(PostNorm(m)) for Llama/Mistral. */
  readonly explainTail: 'llama';
}

const LLAVA: FamilyTable = { graphs: ['vision', 'embed', 'decoder', 'explain'], kvCacheGraph: 'decoder', imageTokens: 'repeat', explainTail: 'llama' };

export const FAMILY_TABLES: Readonly<Record<string, FamilyTable>> = {
  llava_llama: LLAVA,
  llava_mistral: LLAVA,
};

/** Family-specific input handling; LLaVA needs nothing beyond the table. */
export class FamilyAdapter {
  constructor(
    readonly name: string,
    readonly table: FamilyTable,
  ) {}

  /** Ids with the single image placeholder id expanded to N copies (manifest image_token_expansion "repeat"). */
  expandImageTokens(ids: readonly number[], manifest: BundleManifest): number[] {
    const imageId = manifest.vision.image_token_id;
    const count = ids.filter((id) => id === imageId).length;
    if (count !== 1) {
      // More than one means the user's prompt itself contains the placeholder text.
      throw new DexarError('validation', `prompt: expected exactly one image placeholder (${manifest.prompt.image_placeholder}) after templating, found ${count}`, 'ValidationError');
    }
    return ids.flatMap((id) => (id === imageId ? Array<number>(manifest.vision.num_image_tokens).fill(imageId) : [id]));
  }
}

export function familyOf(manifest: BundleManifest): FamilyAdapter {
  const table = FAMILY_TABLES[manifest.family];
  if (table === undefined) throw new UnsupportedFamilyError(manifest.family, Object.keys(FAMILY_TABLES));
  return new FamilyAdapter(manifest.family, table);
}
