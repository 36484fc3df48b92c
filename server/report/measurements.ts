/**
 * Figures measured from the command line on the shared EMNIST data (../shared/data/emnist: the official
 * ByMerge test split, 116,323 images, pooled and split 70/10/20 with seed 42) on a 2-core machine,
 * for the report's protocol notes. Each carries the command that reproduces it from the repository
 * root with EMNIST_DIR=../shared/data/emnist (the trainer as of commit aa4699e; `--threads` left at its
 * default, which changes results only by float summation order). The M1g robustness figures are the
 * same saved model evaluated on 8,085 EMNIST Balanced images that are not in the pool
 * (../shared/data/emnist-extra), with noisy pixels clamped to [0,1] or not. The README's "Reproducing
 * the study" section lists the same figures.
 */
export const MEASURED = {
  m0Mean50: { testAccuracy: 0.5513, command: 'npm run train -- --preset M0 --set lossReduction=mean --out m0-mean.json' },
  m0Sum50: { testAccuracy: 0.8422, command: 'npm run train -- --preset M0 --set lossReduction=sum --out m0-sum.json' },
  m0Mean350: { testAccuracy: 0.7399, command: 'npm run train -- --preset M0 --epochs 350 --out m0-mean-350.json' },
  m1gNoClip: { sigma02: 0.7369, sigma05: 0.4637, command: 'npm run train -- --preset M1g --save-model m1g && npm run evaluate -- --model m1g --images ../shared/data/emnist-extra/emnist-balanced-unseen-images-idx3-ubyte.gz --labels ../shared/data/emnist-extra/emnist-balanced-unseen-labels-idx1-ubyte.gz --mapping ../shared/data/emnist-extra/emnist-bymerge-mapping.txt --robustness --clip off' },
  m1gClip: { sigma02: 0.5117, sigma05: 0.0946, command: 'npm run evaluate -- --model m1g --images ../shared/data/emnist-extra/emnist-balanced-unseen-images-idx3-ubyte.gz --labels ../shared/data/emnist-extra/emnist-balanced-unseen-labels-idx1-ubyte.gz --mapping ../shared/data/emnist-extra/emnist-bymerge-mapping.txt --robustness --clip on' },
} as const;
