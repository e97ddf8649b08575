/** The finding being edited: an annotation's content without its run and ids. */
import type { AnnotationInput, FailureTag, Region, Severity, TokenSpan } from '../../../shared/api/annotations';

export interface AnnotationDraft {
  tag: FailureTag;
  severity: Severity;
  notes: string;
  tokenSpan: TokenSpan | null;
  regions: readonly Region[];
  sensitive: boolean;
}

export const EMPTY_DRAFT: AnnotationDraft = { tag: 'other', severity: 'medium', notes: '', tokenSpan: null, regions: [], sensitive: false };

export function draftToInput(runId: number, draft: AnnotationDraft): AnnotationInput {
  return { runId, ...draft, regions: [...draft.regions] };
}
