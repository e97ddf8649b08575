/**
 * Store → report cases: a run (or every run of a gallery: its pinned runs plus those matching its
 * saved filter, as the project export defines it) becomes a ReportCase with the image's original
 * bytes, the chosen map, the grounded tokens' maps, the annotations and the run's provenance.
 */
import { DisplayGeometrySchema, type DisplayGeometry, type MapSelection, type RunDetail } from '../../shared/api/runs';
import { DexarError } from '../../shared/api/envelope';
import { DEFAULT_OVERLAY } from '../../shared/heatmap/render';
import type { Project } from '../store';
import type { ReportAnnotation, ReportCase, ReportProvenance, ReportStyle } from './types';

export interface FromStoreOptions {
  /** Which map to overlay; the sentence map by default. */
  map?: MapSelection;
  /** Overlay colours; the canvas defaults when absent. */
  style?: ReportStyle;
  /** Evaluation numbers per run, when the caller has them (the store keeps none). */
  metrics?: (runId: number) => Record<string, number> | undefined;
}

/** Page size used to walk a gallery's filter (the store's maximum page). */
const GALLERY_PAGE = 500;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The model's display geometry, as the app records it with the model (manifest.geometry or manifest.preprocessing). */
function modelGeometry(project: Project, run: RunDetail): DisplayGeometry {
  const manifest = project.getModel(run.modelSha)?.manifest;
  const candidates = isRecord(manifest) ? [manifest.geometry, manifest.preprocessing] : [];
  for (const candidate of candidates) {
    const parsed = DisplayGeometrySchema.safeParse(candidate);
    if (parsed.success) return parsed.data;
  }
  throw new DexarError('not-found', `run ${run.id}: model ${run.modelName} (${run.modelSha.slice(0, 12)}…) has no preprocessing geometry in the project; expected manifest.geometry with pad/resize/crop`);
}

/**
 * The settings a run used: what was asked (null = the default) overlaid with what the engine
 * recorded it resolved (the layers explained, the logit-lens quirks); unset requests left out.
 */
function settingsOf(run: RunDetail, provenance: Record<string, unknown>): Record<string, unknown> {
  const asked = isRecord(run.settings) ? run.settings : {};
  const used = isRecord(provenance.settings) ? provenance.settings : {};
  // Once the layers are resolved, the count the default rule would have used says nothing.
  const resolved = Array.isArray(used.layers);
  return Object.fromEntries(Object.entries({ ...asked, ...used }).filter(([key, value]) => value !== null && !(resolved && key === 'defaultLayerCount')));
}

function provenanceOf(run: RunDetail): ReportProvenance {
  const p = isRecord(run.provenance) ? run.provenance : {};
  const providers = isRecord(p.providers) ? [...new Set(Object.values(p.providers).map(String))] : [];
  return {
    modelName: run.modelName,
    modelSha256: run.modelSha,
    provider: providers.length > 0 ? providers.join(', ') : 'unknown',
    settings: settingsOf(run, p),
    appVersion: typeof p.appVersion === 'string' ? p.appVersion : 'unknown',
  };
}

function overlayOf(run: RunDetail, selection: MapSelection): { label: string; gh: number; gw: number; values: number[] } {
  const wanted = selection.kind === 'sentence' ? (h: RunDetail['heatmaps'][number]) => h.kind === 'sentence' : (h: RunDetail['heatmaps'][number]) => h.kind === 'token' && h.tokenIndex === selection.index;
  const map = run.heatmaps.find(wanted);
  if (!map) throw new DexarError('not-found', `run ${run.id}: no ${selection.kind === 'sentence' ? 'sentence map' : `map for token ${selection.index}`}`);
  const token = selection.kind === 'token' ? run.tokens.find((t) => t.index === selection.index) : undefined;
  const label = selection.kind === 'sentence' ? 'Sentence map (DEX-AR)' : `Token ${selection.index} “${(token?.text ?? '').trim()}” (DEX-AR)`;
  return { label, gh: map.gh, gw: map.gw, values: map.values };
}

export function caseFromRun(project: Project, runId: number, options: FromStoreOptions = {}): ReportCase {
  const run = project.getRun(runId);
  if (!run) throw new DexarError('not-found', `run ${runId} is not in this project`);
  const image = project.getImage(run.imageSha);
  const bytes = project.getImageBytes(run.imageSha);
  if (!image || !bytes) throw new DexarError('not-found', `run ${runId}: its image ${run.imageSha.slice(0, 12)}… is missing from the project`);
  const overlay = overlayOf(run, options.map ?? { kind: 'sentence' });
  const grounded = new Set(run.tokens.filter((t) => t.grounded).map((t) => t.index));
  const annotations: ReportAnnotation[] = project.listAnnotations(runId).map((a) => ({
    tag: a.tag,
    severity: a.severity,
    notes: a.notes,
    tokenSpan: a.tokenSpan,
    // The store marks a whole finding sensitive; every region of it is redacted.
    regions: a.regions.map((area) => ({ area, sensitive: a.sensitive, tokenSpan: a.tokenSpan })),
  }));
  const metrics = options.metrics?.(runId);
  return {
    title: `Run ${run.id}`,
    status: run.status,
    image: { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), width: image.width, height: image.height, name: image.name },
    overlay: { ...overlay, geometry: modelGeometry(project, run) },
    style: options.style ?? { ...DEFAULT_OVERLAY, range: [...DEFAULT_OVERLAY.range] },
    prompt: run.promptText,
    answer: run.answer,
    tokens: run.tokens.map((t) => ({ index: t.index, text: t.text, delta: t.delta, grounded: t.grounded })),
    tokenMaps: run.heatmaps.filter((h) => h.kind === 'token' && h.tokenIndex !== null && grounded.has(h.tokenIndex)).map((h) => ({ tokenIndex: h.tokenIndex as number, values: h.values })),
    annotations,
    ...(metrics ? { metrics } : {}),
    provenance: provenanceOf(run),
  };
}

/** Run ids of a gallery: pinned runs first (in pin order), then filter matches newest first. */
export function galleryRunIds(project: Project, galleryId: number): number[] {
  const gallery = project.getGallery(galleryId);
  if (!gallery) throw new DexarError('not-found', `gallery ${galleryId} is not in this project`);
  const ids = new Set(gallery.pinnedRunIds);
  for (let offset = 0; ; offset += GALLERY_PAGE) {
    const page = project.queryGallery({ filter: gallery.filter, limit: GALLERY_PAGE, offset });
    for (const item of page.items) ids.add(item.id);
    if (offset + GALLERY_PAGE >= page.total) break;
  }
  return [...ids];
}

export function casesFromGallery(project: Project, galleryId: number, options: FromStoreOptions = {}): ReportCase[] {
  return galleryRunIds(project, galleryId).map((id) => caseFromRun(project, id, options));
}
