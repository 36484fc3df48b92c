/**
 * Figures measured from the command line on the shared EMNIST data (../shared/data/emnist: the official
 * ByMerge test split, 116,323 images, pooled and split 70/10/20 with seed 42) on a 2-core machine,
 * for the report's protocol notes. Each carries the command that reproduces it from the repository
 * root with EMNIST_DIR=../shared/data/emnist (the trainer as of commit aa4699e; `--threads` left at its
 * default, which changes results only by float summation order). The M1g robustness figures are the
 * same saved model evaluated on 8,085 EMNIST Balanced images that are not in the pool
 * (../shared/data/emnist-extra), with noisy pixels clamped to [0,1] or not. The README's "Reproducing
 * the study" section lists the same figures. `study` holds the presets as the study ran them (summed
 * gradients, issue 25), each a full run of `npm run train -- --preset NAME` at commit-time defaults,
 * and `batchMean` their batch-mean variants (`--preset NAME-mean`);
 * `pytorch` the figures of PyTorch 1.13 on the same data and split that issue 25 reports (test
 * accuracy, batch mean against summed), which first showed the study summed.
 */
export const MEASURED = {
  m0Mean50: { testAccuracy: 0.5513, command: 'npm run train -- --preset M0-mean --out m0-mean.json' },
  m0Sum50: { testAccuracy: 0.8422, command: 'npm run train -- --preset M0 --out m0-sum.json' },
  m0Mean350: { testAccuracy: 0.7399, command: 'npm run train -- --preset M0-mean --epochs 350 --out m0-mean-350.json' },
  study: {
    M0: { testAccuracy: 0.8422, command: 'npm run train -- --preset M0 --out m0.json' },
    M1a: { testAccuracy: 0.7958, command: 'npm run train -- --preset M1a --out m1a.json' },
    M1b: { testAccuracy: 0.8432, command: 'npm run train -- --preset M1b --out m1b.json' },
    M1c: { testAccuracy: 0.8427, command: 'npm run train -- --preset M1c --out m1c.json' },
    M1d: { testAccuracy: 0.7943, command: 'npm run train -- --preset M1d --out m1d.json' },
  },
  /** The same rows' batch-mean variants, full runs: L2 costs points here too (M1c < M1b, M1d < M1a). */
  batchMean: {
    M1a: { testAccuracy: 0.7592, command: 'npm run train -- --preset M1a-mean --out m1a-mean.json' },
    M1b: { testAccuracy: 0.8428, command: 'npm run train -- --preset M1b-mean --out m1b-mean.json' },
    M1c: { testAccuracy: 0.7565, command: 'npm run train -- --preset M1c-mean --out m1c-mean.json' },
    M1d: { testAccuracy: 0.7078, command: 'npm run train -- --preset M1d-mean --out m1d-mean.json' },
  },
  /** M2's protocol on both engines: M1g · batch mean from the same initial weights, test accuracy. */
  engineAgreement: { scratch: 0.8585, layers: 0.8586, command: 'npm run compare -- --preset M1g-mean --out m1g-mean-both.json' },
  pytorch: {
    mean: { M0: 0.2886, M1a: 0.7051, M1b: 0.8440, M1c: 0.7567, M1d: 0.6573 },
    sum: { M0: 0.8325, M1a: 0.7897, M1b: 0.8413, M1c: 0.8462, M1d: 0.8052 },
  },
  m1gNoClip: { sigma02: 0.7369, sigma05: 0.4637, command: 'npm run train -- --preset M1g --save-model m1g && npm run evaluate -- --model m1g --images ../shared/data/emnist-extra/emnist-balanced-unseen-images-idx3-ubyte.gz --labels ../shared/data/emnist-extra/emnist-balanced-unseen-labels-idx1-ubyte.gz --mapping ../shared/data/emnist-extra/emnist-bymerge-mapping.txt --robustness --clip off' },
  m1gClip: { sigma02: 0.5117, sigma05: 0.0946, command: 'npm run evaluate -- --model m1g --images ../shared/data/emnist-extra/emnist-balanced-unseen-images-idx3-ubyte.gz --labels ../shared/data/emnist-extra/emnist-balanced-unseen-labels-idx1-ubyte.gz --mapping ../shared/data/emnist-extra/emnist-bymerge-mapping.txt --robustness --clip on' },
} as const;
