/** `dexar import-voc`: a Pascal-VOC folder → a DESIGN §5 dataset with grounded questions. */
import { importVoc } from '../../evaluation/voc-import';
import { parseFlags, positiveInt, UsageError } from '../args';
import { progressBar } from '../progress';

export const summary = 'convert a Pascal-VOC-layout folder into an evaluation dataset';
export const usage = `dexar import-voc --voc DIR --out DIR [--split NAME] [--limit N]

  --voc DIR     folder with JPEGImages/, SegmentationClass/, SegmentationObject/ (Annotations/ optional)
  --out DIR     new dataset folder (must not exist; the VOC folder is never modified)
  --split NAME  only the ids in ImageSets/Segmentation/NAME.txt
  --limit N     at most N images`;

export async function run(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, { voc: { type: 'string' }, out: { type: 'string' }, split: { type: 'string' }, limit: { type: 'string' } });
  if (!flags.voc || !flags.out) throw new UsageError('--voc and --out are required');
  const limit = positiveInt('limit', flags.limit);
  const bar = progressBar('import-voc');
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const result = await importVoc({
    vocDir: flags.voc,
    outDir: flags.out,
    ...(flags.split ? { split: flags.split } : {}),
    ...(limit ? { limit } : {}),
    onProgress: (done, total) => bar.update(done, total),
    signal: controller.signal,
  });
  bar.done();
  process.stdout.write(`${result.images} images, ${result.questions} questions written to ${flags.out}\n`);
  for (const skipped of result.skipped) process.stdout.write(`skipped ${skipped.id}: ${skipped.reason}\n`);
}
