/**
 * The only module that imports onnxruntime-node (STYLE 3). Everything else passes plain typed
 * arrays through `GraphSession.run`. Sessions are created with an execution-provider preference
 * list; a provider that cannot start falls back to the next (finally CPU) with a notice the
 * caller shows to the user.
 */
import ort from 'onnxruntime-node';

// A provider that cannot start is reported once, as a notice with its reason (below); without
// this, onnxruntime's own logger also prints each failed attempt's native error lines to stderr.
// Failures that matter still surface: every error is thrown to the caller.
ort.env.logLevel = 'fatal';

export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu';
export const PROVIDER_NAMES: readonly ProviderName[] = ['cuda', 'dml', 'coreml', 'cpu'];

/** Plain tensor data crossing this module's boundary. int64 values travel as BigInt64Array. */
export type TensorData =
  | { readonly type: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly type: 'int64'; readonly data: BigInt64Array; readonly dims: readonly number[] };

export interface ProviderNotice {
  /** The provider that was asked for and could not start. */
  readonly requested: ProviderName;
  /** Why (the runtime's own message, first line). */
  readonly reason: string;
}

export interface SessionOptions {
  /** Preference order; CPU is appended when missing so a session always starts. */
  readonly providers?: readonly ProviderName[];
  /** Threads inside one operator (0 = onnxruntime's default). */
  readonly intraOpThreads?: number;
}

/** The platform default preference (DESIGN §2): CUDA on Linux, DirectML on Windows, CoreML on macOS, then CPU. */
export function defaultProviders(platform: NodeJS.Platform = process.platform): ProviderName[] {
  if (platform === 'linux') return ['cuda', 'cpu'];
  if (platform === 'win32') return ['dml', 'cpu'];
  if (platform === 'darwin') return ['coreml', 'cpu'];
  return ['cpu'];
}

export function parseProviders(spec: string): ProviderName[] {
  const names = spec.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = names.filter((n) => !(PROVIDER_NAMES as readonly string[]).includes(n));
  if (bad.length > 0 || names.length === 0) throw new RangeError(`execution providers: expected a list of ${PROVIDER_NAMES.join(', ')}, found "${spec}"`);
  return names as ProviderName[];
}

/** What the engine needs of a session, here or on a graph thread (graph-thread/client.ts). */
export interface GraphRunner {
  /** The provider the session runs on. */
  readonly provider: ProviderName;
  /** Providers tried before it that could not start. */
  readonly notices: readonly ProviderNotice[];
  run(feeds: Readonly<Record<string, TensorData>>): Promise<Record<string, TensorData>>;
  release(): Promise<void>;
}

export class GraphSession implements GraphRunner {
  private released = false;

  private constructor(
    private readonly session: ort.InferenceSession,
    /** The provider the session runs on. */
    readonly provider: ProviderName,
    /** Providers tried before it that could not start. */
    readonly notices: readonly ProviderNotice[],
  ) {}

  static async create(path: string, options: SessionOptions = {}): Promise<GraphSession> {
    const wanted = [...(options.providers ?? defaultProviders())];
    if (!wanted.includes('cpu')) wanted.push('cpu');
    const notices: ProviderNotice[] = [];
    for (const provider of wanted) {
      try {
        const session = await ort.InferenceSession.create(path, {
          executionProviders: [provider],
          graphOptimizationLevel: 'all',
          ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
        });
        return new GraphSession(session, provider, notices);
      } catch (err) {
        if (provider === 'cpu') throw err;
        notices.push({ requested: provider, reason: String((err as Error).message ?? err).split('\n')[0] as string });
      }
    }
    throw new Error(`onnx session ${path}: no execution provider could start`);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  async run(feeds: Readonly<Record<string, TensorData>>): Promise<Record<string, TensorData>> {
    if (this.released) throw new Error('onnx session: run after release');
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) inputs[name] = new ort.Tensor(t.type, t.data, t.dims);
    const outputs = await this.session.run(inputs);
    const out: Record<string, TensorData> = {};
    for (const [name, t] of Object.entries(outputs)) {
      if (t.type === 'float32') out[name] = { type: 'float32', data: t.data as Float32Array, dims: [...t.dims] };
      else if (t.type === 'int64') out[name] = { type: 'int64', data: t.data as BigInt64Array, dims: [...t.dims] };
      else throw new TypeError(`onnx output ${name}: expected float32 or int64, found ${t.type}`);
    }
    return out;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}

export const f32 = (data: Float32Array, dims: readonly number[]): TensorData => ({ type: 'float32', data, dims });
export const i64 = (values: ArrayLike<number> | readonly number[], dims: readonly number[]): TensorData => ({
  type: 'int64',
  data: BigInt64Array.from(Array.from(values as ArrayLike<number>), (v) => BigInt(v)),
  dims,
});
