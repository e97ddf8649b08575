/**
 * What the renderer sees of a run: tokens with their δ and alternatives, and maps as plain
 * number arrays on a gh×gw grid. Shared by the run view, compare, galleries and reports.
 */
import { z } from 'zod';

export const AlternativeSchema = z.object({
  id: z.number().int().nonnegative(),
  text: z.string(),
  prob: z.number().min(0).max(1),
});
export type Alternative = z.infer<typeof AlternativeSchema>;

export const RunTokenSchema = z.object({
  index: z.number().int().nonnegative(),
  id: z.number().int().nonnegative(),
  text: z.string(),
  /** δ_t: how visual the token is; 0 marks a purely linguistic token (DESIGN §3). */
  delta: z.number().nonnegative(),
  grounded: z.boolean(),
  prob: z.number().min(0).max(1),
  top5: z.array(AlternativeSchema).max(5),
});
export type RunToken = z.infer<typeof RunTokenSchema>;

/** Which map the canvas shows: the sentence map, or token t's. */
export type MapSelection = { kind: 'sentence' } | { kind: 'token'; index: number };
