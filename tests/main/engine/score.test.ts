import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VlmModel } from '../../../main/engine/model';
import type { PreprocessedImage } from '../../../main/engine/preprocess';
import { answerLogProbs, logSoftmaxAt } from '../../../main/engine/score';
import { readInputs, readLogits } from '../../shared/dexar/fixture-data';
import { openTiny } from './open-model';

describe('engine/logSoftmaxAt', () => {
  it('matches hand values and stays finite for large logits', () => {
    expect(logSoftmaxAt([0, Math.log(3)], 1)).toBeCloseTo(Math.log(3 / 4), 12);
    expect(logSoftmaxAt([1000, 1000], 0)).toBeCloseTo(-Math.log(2), 12);
    expect(() => logSoftmaxAt([0, 1], 2)).toThrow(/\[0, 2\), found 2/);
  });
});

describe('engine/answerLogProbs', () => {
  let model: VlmModel;
  let image: PreprocessedImage;
  let release: () => Promise<void>;
  beforeAll(async () => {
    ({ model, image, release } = await openTiny('tiny-llama'));
  });
  afterAll(() => release());

  it('equals the log-softmax of the reference teacher-forced logits at each answer row', async () => {
    const inputs = readInputs('tiny-llama');
    const ref = readLogits('tiny-llama').teacher_forced;
    const vocab = ref.shape[1] as number;
    const got = await answerLogProbs(model, inputs.prompt, image.pixelValues, image.dims, inputs.answer_ids);
    const want = inputs.answer_ids.map((id, t) => logSoftmaxAt(ref.data.slice(t * vocab, (t + 1) * vocab), id));
    expect(got).toHaveLength(inputs.answer_ids.length);
    got.forEach((v, t) => expect(Math.abs(v - (want[t] as number))).toBeLessThan(1e-4));
  });

  it('changes when the image changes (the image rows are really used)', async () => {
    const inputs = readInputs('tiny-llama');
    const base = await answerLogProbs(model, inputs.prompt, image.pixelValues, image.dims, inputs.answer_ids);
    const blank = await answerLogProbs(model, inputs.prompt, new Float32Array(image.pixelValues.length), image.dims, inputs.answer_ids);
    expect(Math.max(...base.map((v, i) => Math.abs(v - (blank[i] as number))))).toBeGreaterThan(1e-6);
  });
});
