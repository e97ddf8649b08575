/**
 * Galleries: a filter over the project's runs (tags, model, prompt words, δ statistics), a sort,
 * saved galleries with pinned runs, and pages loaded as the grid scrolls.
 */
import type { DexarApi, MethodOutput } from '../../../shared/api/contract';
import type { Gallery, GalleryFilter } from '../../../shared/api/galleries';

export type GalleryItem = MethodOutput<'gallery.query'>['items'][number];
export type SortKey = 'created' | 'deltaMean' | 'deltaMax' | 'groundedCount' | 'imageName';

const PAGE = 100;

export class GalleryState {
  readonly #api: DexarApi;
  #filter = $state.raw<GalleryFilter>({});
  #sort = $state.raw<{ by: SortKey; dir: 'asc' | 'desc' }>({ by: 'created', dir: 'desc' });
  #items = $state.raw<readonly GalleryItem[]>([]);
  #total = $state(0);
  #galleries = $state.raw<readonly Gallery[]>([]);
  #current = $state.raw<Gallery | undefined>(undefined);
  #seq = 0;
  /** The query sequence a page is being fetched for: the grid asks again on every row scrolled. */
  #loadingSeq: number | undefined;

  constructor(api: DexarApi) {
    this.#api = api;
  }

  get filter() {
    return this.#filter;
  }
  get sort() {
    return this.#sort;
  }
  get items() {
    return this.#items;
  }
  get total() {
    return this.#total;
  }
  get galleries() {
    return this.#galleries;
  }
  get current() {
    return this.#current;
  }

  isPinned(runId: number): boolean {
    return this.#current?.pinnedRunIds.includes(runId) ?? false;
  }

  async setFilter(filter: GalleryFilter): Promise<void> {
    this.#filter = filter;
    await this.refresh();
  }

  async setSort(sort: { by: SortKey; dir: 'asc' | 'desc' }): Promise<void> {
    this.#sort = sort;
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const seq = ++this.#seq;
    const page = await this.#api.invoke('gallery.query', { filter: this.#filter, sort: this.#sort, limit: PAGE, offset: 0 });
    if (seq !== this.#seq) return;
    this.#items = page.items;
    this.#total = page.total;
    this.#galleries = await this.#api.invoke('galleries.list', {});
  }

  async loadMore(): Promise<void> {
    const seq = this.#seq;
    if (this.#items.length >= this.#total || this.#loadingSeq === seq) return;
    this.#loadingSeq = seq;
    try {
      const page = await this.#api.invoke('gallery.query', { filter: this.#filter, sort: this.#sort, limit: PAGE, offset: this.#items.length });
      if (seq === this.#seq) this.#items = [...this.#items, ...page.items];
    } finally {
      if (this.#loadingSeq === seq) this.#loadingSeq = undefined;
    }
  }

  async open(gallery: Gallery | undefined): Promise<void> {
    this.#current = gallery;
    this.#filter = gallery?.filter ?? {};
    await this.refresh();
  }

  async save(name: string): Promise<void> {
    const existing = this.#galleries.find((g) => g.name === name);
    this.#current = await this.#api.invoke('galleries.save', { ...(existing ? { id: existing.id } : {}), name, filter: this.#filter });
    this.#galleries = await this.#api.invoke('galleries.list', {});
  }

  async togglePin(runId: number): Promise<void> {
    const gallery = this.#current;
    if (!gallery) return;
    this.#current = await this.#api.invoke('galleries.pin', { galleryId: gallery.id, runId, pinned: !gallery.pinnedRunIds.includes(runId) });
    this.#galleries = await this.#api.invoke('galleries.list', {});
  }
}
