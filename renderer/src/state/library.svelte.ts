/**
 * The project's images as the library shows them: one page list that grows as the grid scrolls,
 * the selection, and imports (paths or dropped files) with their last report.
 */
import type { DexarApi } from '../../../shared/api/contract';
import type { ImageSummary, ImportReport } from '../../../shared/api/library';

const PAGE = 200;

export class LibraryState {
  readonly #api: DexarApi;
  #images = $state.raw<readonly ImageSummary[]>([]);
  #total = $state(0);
  #selected = $state<string | undefined>(undefined);
  #importing = $state<{ done: number; total: number } | undefined>(undefined);
  #lastReport = $state.raw<ImportReport | undefined>(undefined);
  #loading = false;

  constructor(api: DexarApi) {
    this.#api = api;
    api.on('onDidImportProgress', (progress) => {
      if (this.#importing) this.#importing = progress;
    });
  }

  get images() {
    return this.#images;
  }
  get total() {
    return this.#total;
  }
  get selected() {
    return this.#selected;
  }
  get selectedImage(): ImageSummary | undefined {
    return this.#images.find((image) => image.sha256 === this.#selected);
  }
  get importing() {
    return this.#importing;
  }
  get lastReport() {
    return this.#lastReport;
  }

  select(sha256: string | undefined): void {
    this.#selected = sha256;
  }

  /** Moves the selection by `step` images (arrow keys in the grid). */
  move(step: number): void {
    if (this.#images.length === 0) return;
    const index = this.#images.findIndex((image) => image.sha256 === this.#selected);
    const next = Math.min(this.#images.length - 1, Math.max(0, (index < 0 ? 0 : index) + step));
    this.#selected = this.#images[next]?.sha256;
  }

  async reload(): Promise<void> {
    const page = await this.#api.invoke('images.list', { offset: 0, limit: PAGE });
    this.#images = page.items;
    this.#total = page.total;
  }

  /** Fetches the next page when the grid nears its end. */
  async loadMore(): Promise<void> {
    if (this.#loading || this.#images.length >= this.#total) return;
    this.#loading = true;
    try {
      const page = await this.#api.invoke('images.list', { offset: this.#images.length, limit: PAGE });
      this.#images = [...this.#images, ...page.items];
      this.#total = page.total;
    } finally {
      this.#loading = false;
    }
  }

  async importPaths(paths: string[], recursive: boolean): Promise<ImportReport> {
    return this.#run(() => this.#api.invoke('images.import', { paths, recursive }));
  }

  async importFiles(files: readonly File[]): Promise<ImportReport> {
    return this.#run(async () => {
      const report: ImportReport = { imported: [], duplicates: [], failures: [] };
      for (const [index, file] of files.entries()) {
        this.#importing = { done: index, total: files.length };
        const part = await this.#api.invoke('images.upload', { name: file.name, dataBase64: await toBase64(file) }).catch((err: unknown) => ({
          imported: [],
          duplicates: [],
          failures: [{ path: file.name, message: err instanceof Error ? err.message : String(err) }],
        }));
        report.imported.push(...part.imported);
        report.duplicates.push(...part.duplicates);
        report.failures.push(...part.failures);
      }
      return report;
    });
  }

  async #run(work: () => Promise<ImportReport>): Promise<ImportReport> {
    this.#importing = { done: 0, total: 0 };
    try {
      const report = await work();
      this.#lastReport = report;
      await this.reload();
      const first = report.imported[0];
      if (first) this.#selected = first.sha256;
      return report;
    } finally {
      this.#importing = undefined;
    }
  }

  dismissReport(): void {
    this.#lastReport = undefined;
  }
}

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
