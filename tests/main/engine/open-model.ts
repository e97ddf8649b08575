/** Opens a committed tiny bundle for engine tests: CPU, one thread (the CI machine is shared). */
import { loadBundle } from '../../../main/engine/bundle';
import { VlmModel } from '../../../main/engine/model';
import { preprocessImage, type PreprocessedImage } from '../../../main/engine/preprocess';
import { ModelSessions, type ThreadedRoles } from '../../../main/engine/sessions';
import { bundlePath, fixturePath, readInputs, type ParityBundle } from '../../shared/dexar/fixture-data';

/** `threaded`: sessions placed on graph threads, as the Engine does with the built graph worker. */
export async function openTiny(name: ParityBundle, threaded: ThreadedRoles | null = null): Promise<{ model: VlmModel; image: PreprocessedImage; release: () => Promise<void> }> {
  const bundle = await loadBundle(bundlePath(name));
  const sessions = new ModelSessions(bundle, { providers: ['cpu'], intraOpThreads: 1 }, threaded);
  const model = await VlmModel.open(bundle, sessions);
  const image = await preprocessImage(fixturePath(name, readInputs(name).image.file), bundle.manifest.preprocessing);
  return { model, image, release: () => sessions.release() };
}
