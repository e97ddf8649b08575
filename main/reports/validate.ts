/** Boundary checks: report inputs are parsed once, with errors that name the bad field. */
import { describeZodError, ValidationError } from '../../shared/api/envelope';
import { ReportCaseSchema, ReportMetaSchema, type ParsedReportCase, type ParsedReportMeta, type ReportCase, type ReportMeta } from './types';

export function parseReportCase(input: ReportCase): ParsedReportCase {
  const parsed = ReportCaseSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(`report case: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

export function parseReportMeta(input: ReportMeta): ParsedReportMeta {
  const parsed = ReportMetaSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(`report meta: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
