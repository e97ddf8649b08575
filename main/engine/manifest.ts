/**
 * TypeScript view of a bundle's manifest.json (DESIGN §2; models/README.md "Bundle format").
 * The JSON schema in shared/schemas/bundle-manifest.schema.json is the source of truth and is
 * checked at load time (bundle.ts); these types only describe what the engine reads.
 */

export type Dim = number | string;

export interface TensorSpec {
  readonly name: string;
  readonly dtype: 'float32' | 'float16' | 'int64' | 'int32' | 'bool';
  readonly shape: readonly Dim[];
}

export interface GraphSpec {
  readonly file: string;
  readonly sha256: string;
  readonly external_data: string | null;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

export type GraphRole = 'vision' | 'embed' | 'decoder' | 'explain';

export interface SpecialToken {
  readonly token: string;
  readonly id: number;
}

export interface Preprocessing {
  readonly processor: string;
  readonly convert_rgb: boolean;
  readonly pad: { readonly mode: 'none' | 'square'; readonly fill: readonly [number, number, number] };
  readonly resize: {
    readonly mode: 'shortest_edge' | 'exact';
    readonly size: readonly [number, number];
    readonly enabled: boolean;
    readonly interpolation: 'nearest' | 'bilinear' | 'bicubic' | 'lanczos' | 'box' | 'hamming';
  };
  readonly crop: { readonly mode: 'center' | 'none'; readonly size: readonly [number, number] };
  readonly rescale_factor: number;
  readonly normalize: { readonly enabled: boolean; readonly mean: readonly number[]; readonly std: readonly number[] };
  readonly order: readonly string[];
  readonly layout: 'NCHW';
}

export interface BundleManifest {
  readonly format: 'dexar-bundle';
  readonly format_version: 2;
  readonly name: string;
  readonly family: string;
  readonly source: {
    readonly checkpoint: string;
    readonly model_type: string;
    readonly text_model_type?: string;
    readonly architectures: readonly string[];
    /** Trainer seed and recipe, when the checkpoint carried a recipe.json (the demo model). */
    readonly training?: { readonly seed: number; readonly recipe: Readonly<Record<string, unknown>> };
  };
  readonly dtype: string;
  readonly opset: number;
  readonly graphs: Readonly<Record<GraphRole, GraphSpec>>;
  readonly vision: {
    readonly image_size: readonly [number, number];
    readonly patch_size: number;
    readonly grid: readonly [number, number];
    readonly num_image_tokens: number;
    readonly image_token_id: number;
    readonly image_token_expansion: 'repeat';
    readonly feature_layer: number;
    readonly select_strategy: string;
  };
  readonly preprocessing: Preprocessing;
  readonly text: {
    readonly num_layers: number;
    readonly num_heads: number;
    readonly num_kv_heads: number;
    readonly head_dim: number;
    readonly hidden_size: number;
    readonly vocab_size: number;
    readonly intermediate_size: number;
    readonly rms_norm_eps: number;
    readonly max_positions: number;
  };
  readonly tokenizer: {
    readonly file: 'tokenizer.json';
    readonly add_bos: boolean;
    readonly special_tokens: Readonly<Record<string, SpecialToken | null>> & { readonly image: SpecialToken; readonly eos: SpecialToken | null };
  };
  readonly prompt: { readonly template: string; readonly image_placeholder: string; readonly chat_template: string | null };
  readonly explain: { readonly default_layers: readonly number[]; readonly norm_twice_last: boolean; readonly drop_column_after_image: boolean };
  readonly files: Readonly<Record<string, { readonly sha256: string; readonly bytes: number }>>;
}

/**
 * The only format version this engine reads. 2: explain.onnx takes the value cache of the K
 * explained layers only, (K, H_kv, S, hd), and computes only those layers (1 took all L layers).
 */
export const SUPPORTED_FORMAT_VERSION = 2;
