/**
 * The open project and everything around it: opening, creating, the recent list, and the sample
 * project that a first launch opens (seeded once from the shipped Shapes-QA samples).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { z } from 'zod';
import type { ProjectSummary, RecentProject } from '../../shared/api/library';
import { RecentProjectSchema } from '../../shared/api/library';
import { DexarError } from '../../shared/api/envelope';
import type { EventBus } from '../api/events';
import { Project } from '../store';
import { checkedPath, PROJECT_EXTENSION } from './file-browser';
import { sampleProjectPath } from './paths';

const RECENT_LIMIT = 12;

export interface WorkspaceOptions {
  dataDir: string;
  events: EventBus;
  /** Project to open at launch; the sample project when absent. */
  projectPath?: string;
  /** Folder with the sample images (models/samples); the sample project stays empty without it. */
  samplesDir?: string;
}

export class Workspace {
  readonly #options: WorkspaceOptions;
  #project: Project | undefined;

  constructor(options: WorkspaceOptions) {
    this.#options = options;
  }

  /** The open project, opening the launch project (or seeding the sample) on first use. */
  async project(): Promise<Project> {
    if (!this.#project) {
      const path = this.#options.projectPath ?? sampleProjectPath(this.#options.dataDir);
      const isNewSample = this.#options.projectPath === undefined && !existsSync(path);
      await mkdir(dirname(path), { recursive: true });
      this.#project = Project.open(path, { create: this.#options.projectPath === undefined });
      if (isNewSample) await this.#seedSample(this.#project);
      await this.#remember(this.#project.path);
    }
    return this.#project;
  }

  async summary(): Promise<ProjectSummary> {
    const project = await this.project();
    return {
      name: basename(project.path, extname(project.path)),
      path: project.path,
      isSample: project.path === sampleProjectPath(this.#options.dataDir),
      imageCount: project.countImages(),
      runCount: project.countRuns(),
    };
  }

  async open(rawPath: string): Promise<ProjectSummary> {
    const path = checkedPath(rawPath);
    if (!existsSync(path)) throw new DexarError('not-found', `${path} does not exist`, 'PathError');
    return this.#switchTo(Project.open(path));
  }

  async create(rawPath: string): Promise<ProjectSummary> {
    let path = checkedPath(rawPath);
    if (extname(path).toLowerCase() !== PROJECT_EXTENSION) path += PROJECT_EXTENSION;
    if (existsSync(path)) throw new DexarError('validation', `${path} already exists; open it instead`, 'PathError');
    await mkdir(dirname(path), { recursive: true });
    return this.#switchTo(Project.open(path, { create: true }));
  }

  async recent(): Promise<RecentProject[]> {
    const file = this.#recentFile();
    try {
      const parsed = z.array(RecentProjectSchema).safeParse(JSON.parse(await readFile(file, 'utf8')));
      return parsed.success ? parsed.data.filter((entry) => existsSync(entry.path)) : [];
    } catch {
      return [];
    }
  }

  close(): void {
    this.#project?.close();
    this.#project = undefined;
  }

  async #switchTo(next: Project): Promise<ProjectSummary> {
    this.#project?.close();
    this.#project = next;
    await this.#remember(next.path);
    const summary = await this.summary();
    this.#options.events.emit('onDidChangeProject', summary);
    return summary;
  }

  #recentFile(): string {
    return join(this.#options.dataDir, 'recent-projects.json');
  }

  async #remember(path: string): Promise<void> {
    const entry: RecentProject = { name: basename(path, extname(path)), path, openedAt: new Date().toISOString() };
    const list = [entry, ...(await this.recent()).filter((e) => e.path !== path)].slice(0, RECENT_LIMIT);
    const file = this.#recentFile();
    const temp = `${file}.${process.pid}.tmp`;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temp, JSON.stringify(list, null, 2));
    await rename(temp, file);
  }

  async #seedSample(project: Project): Promise<void> {
    const dir = this.#options.samplesDir;
    if (!dir || !existsSync(join(dir, 'prompts.json'))) return;
    const SampleSchema = z.array(z.object({ image: z.string(), prompt: z.string() }));
    const samples = SampleSchema.parse(JSON.parse(await readFile(join(dir, 'prompts.json'), 'utf8')));
    for (const sample of samples) {
      await project.importImage(join(dir, sample.image));
      project.addPrompt(sample.prompt);
    }
  }
}
