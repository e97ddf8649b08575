/**
 * The explanation as a plain JSON document (`result.json` of `dexar explain`; also what the app
 * stores): tokens with δ, grounding and top-5, every map of DESIGN §3 on the gh × gw grid, the
 * timings and the provenance needed to reproduce the run.
 */
import { randomMap } from '../../shared/dexar/baselines';
import type { DexarSettings } from '../../shared/dexar/settings';
import type { Explanation } from './explain';
import type { LoadedBundle } from './bundle';

export const RESULT_FORMAT_VERSION = 1;

export interface Provenance {
  readonly appVersion: string;
  readonly bundle: { readonly name: string; readonly path: string; readonly family: string; readonly manifestSha256: string; readonly graphs: Record<string, string> };
  /** Execution provider per graph, e.g. {"decoder": "cpu"}. */
  readonly providers: Record<string, string>;
  /** Providers that were asked for and could not start (shown to the user). */
  readonly providerNotices: readonly { readonly requested: string; readonly reason: string }[];
  readonly settings: DexarSettings;
  readonly generation: Record<string, unknown> | null;
  readonly createdAt: string;
}

export interface ResultInputs {
  readonly image: { readonly path: string; readonly width: number; readonly height: number };
  readonly prompt: string;
  /** The given answer (teacher forcing), or null when it was generated. */
  readonly answer: string | null;
}

/** Rounded to float32 precision: the maps are float32 quantities, and shorter JSON reads better in diffs. */
const round = (values: ArrayLike<number>) => Array.from(values, (v) => Number(Math.fround(v).toPrecision(7)));

function toGrid(values: ArrayLike<number>, gh: number, gw: number): number[][] {
  const flat = round(values);
  return Array.from({ length: gh }, (_, r) => flat.slice(r * gw, (r + 1) * gw));
}

export function resultDocument(ex: Explanation, bundle: LoadedBundle, inputs: ResultInputs, timings: Record<string, number>, provenance: Omit<Provenance, 'bundle' | 'settings'>) {
  const [gh, gw] = ex.grid;
  const attention = ex.maps.attentionMaps;
  return {
    format: 'dexar-result',
    format_version: RESULT_FORMAT_VERSION,
    mode: ex.mode,
    inputs,
    answer_text: ex.text,
    tokens: ex.tokens.map((t) => ({
      index: t.index,
      id: t.id,
      text: t.text,
      delta: Number(t.delta.toPrecision(7)),
      grounded: t.grounded,
      query_row: t.queryRow,
      top5: t.top.map((a) => ({ id: a.id, text: a.text, prob: Number(a.prob.toPrecision(6)) })),
    })),
    grid: [gh, gw],
    image_start: ex.imageStart,
    layers: ex.layers,
    maps: {
      tokens: ex.maps.tokenMaps.map((m) => toGrid(m, gh, gw)),
      sentence: toGrid(ex.maps.sentenceMap, gh, gw),
      unfiltered_tokens: ex.maps.unfilteredTokenMaps.map((m) => toGrid(m, gh, gw)),
      unfiltered_sentence: toGrid(ex.maps.unfilteredSentenceMap, gh, gw),
      attention_tokens: attention === null ? null : attention.map((m) => toGrid(m, gh, gw)),
      // Sanity baseline, seeded by the answer's first token id so a rerun gives the same map.
      random: toGrid(randomMap(gh * gw, ex.tokens[0]?.id ?? 0), gh, gw),
    },
    timings,
    provenance: {
      ...provenance,
      bundle: {
        name: bundle.manifest.name,
        path: bundle.root,
        family: bundle.manifest.family,
        manifestSha256: bundle.manifestSha256,
        graphs: Object.fromEntries(Object.entries(bundle.manifest.graphs).map(([role, g]) => [role, g.sha256])),
      },
      settings: ex.settings,
    } satisfies Provenance,
  };
}

export type ResultDocument = ReturnType<typeof resultDocument>;
