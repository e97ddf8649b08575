/** `dexar eval --project`: keeps an evaluation's metrics in a project file beside its runs. */
import type { MetricsDocument } from '../../shared/api/evaluation';
import { openProject } from '../store';

/** Saves (or, for a resumed run, updates) the evaluation in the project at `path`, creating the file if needed. Returns its row id. */
export function saveToProject(path: string, doc: MetricsDocument): number {
  const project = openProject(path, { create: true });
  try {
    return project.saveEvalRun(doc);
  } finally {
    project.close();
  }
}
