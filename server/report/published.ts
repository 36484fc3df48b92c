/**
 * Figures published by the study this product reproduces (EMNIST ByMerge MLPs, hand-written backprop,
 * 2025), copied from ../shared/study/published.json (facts only). Accuracies and F1 are in PERCENT, as
 * published; the report (studyReport.ts) turns them into fractions like every other figure of the API.
 * They are for EMNIST ByMerge only: the report shows them for no other dataset.
 */
export const PUBLISHED = {
  "dataset": {
    "images": 809555,
    "classes": 47,
    "perClass": {
      "mean": 17225,
      "std": 13696,
      "max": {
        "class": 1,
        "count": 44604
      },
      "min": {
        "class": 40,
        "count": 2861
      },
      "maxMinRatio": 15.59
    },
    "split": [
      {
        "set": "train",
        "images": 566667,
        "proportion": 0.7,
        "minPerClass": 2002,
        "maxPerClass": 31222
      },
      {
        "set": "validation",
        "images": 80933,
        "proportion": 0.1,
        "minPerClass": 286,
        "maxPerClass": 4460
      },
      {
        "set": "test",
        "images": 161955,
        "proportion": 0.2,
        "minPerClass": 573,
        "maxPerClass": 8922
      }
    ],
    "preprocessing": "pixels / 255 to float32 in [0,1], flattened to 784, labels one-hot over 47 classes"
  },
  "presets": {
    "M0": {
      "hidden": [
        128,
        64
      ],
      "activation": "relu",
      "optimizer": "sgd",
      "lr": 0.001,
      "momentum": 0,
      "batch": 512,
      "epochs": 50,
      "l2": 0,
      "earlyStopping": null,
      "params": 111791
    },
    "M1a": {
      "group": "optimizer",
      "hidden": [
        128,
        64
      ],
      "optimizer": "sgd",
      "momentum": 0.9,
      "earlyStoppingPatience": 5,
      "params": 111791
    },
    "M1b": {
      "group": "optimizer",
      "hidden": [
        128,
        64
      ],
      "optimizer": "adam",
      "lr": 0.001,
      "beta1": 0.9,
      "beta2": 0.999,
      "earlyStoppingPatience": 5,
      "params": 111791
    },
    "M1c": {
      "group": "regularization",
      "hidden": [
        128,
        64
      ],
      "optimizer": "adam",
      "l2": 0.01,
      "params": 111791
    },
    "M1d": {
      "group": "regularization",
      "hidden": [
        128,
        64
      ],
      "optimizer": "sgd",
      "momentum": 0.9,
      "l2": 0.01,
      "earlyStoppingPatience": 5,
      "params": 111791
    },
    "M1e": {
      "group": "schedule",
      "hidden": [
        128,
        64
      ],
      "optimizer": "adam",
      "schedule": "linear: lr_t = max(lr_min, lr_0 - alpha*t)",
      "params": 111791
    },
    "M1f": {
      "group": "schedule",
      "hidden": [
        128,
        64
      ],
      "optimizer": "adam",
      "schedule": "exponential: lr_t = lr_0 * gamma^t, gamma about 0.95",
      "params": 111791
    },
    "M1g": {
      "group": "architecture",
      "hidden": [
        400,
        240,
        120
      ],
      "optimizer": "adam",
      "lr": 0.001,
      "earlyStoppingPatience": 5,
      "params": 444847
    },
    "M1h": {
      "group": "architecture",
      "hidden": [
        370,
        370
      ],
      "optimizer": "adam",
      "lr": 0.001,
      "earlyStoppingPatience": 5,
      "params": 445157
    },
    "M2": {
      "engine": "framework",
      "sameAs": "M1g"
    },
    "M3a": {
      "engine": "framework",
      "hidden": [
        256,
        128,
        64,
        64
      ],
      "activation": "gelu",
      "dropout": 0.2,
      "weightDecay": 0.01,
      "optimizer": "adam",
      "lr": 0.001,
      "earlyStoppingPatience": 7
    },
    "M3b": {
      "engine": "framework",
      "hidden": [
        400,
        400
      ],
      "activation": "silu",
      "batchNorm": true,
      "dropout": 0.3,
      "weightDecay": 0.01,
      "optimizer": "adam",
      "lr": 0.001,
      "earlyStoppingPatience": 7
    }
  },
  "m1Results": [
    {
      "model": "M1a",
      "trainAcc": 83.15,
      "valAcc": 81.41,
      "valLoss": 0.5815
    },
    {
      "model": "M1b",
      "trainAcc": 89.29,
      "valAcc": 87.52,
      "valLoss": 0.364
    },
    {
      "model": "M1c",
      "trainAcc": 89.96,
      "valAcc": 87.89,
      "valLoss": 0.3555
    },
    {
      "model": "M1d",
      "trainAcc": 84.49,
      "valAcc": 84.3,
      "valLoss": 0.4933
    },
    {
      "model": "M1e",
      "trainAcc": 89.53,
      "valAcc": 87.64,
      "valLoss": 0.363
    },
    {
      "model": "M1f",
      "trainAcc": 89.35,
      "valAcc": 87.67,
      "valLoss": 0.3583
    },
    {
      "model": "M1g",
      "trainAcc": 90.66,
      "valAcc": 88.51,
      "valLoss": 0.3322
    },
    {
      "model": "M1h",
      "trainAcc": 90.68,
      "valAcc": 88.23,
      "valLoss": 0.3374
    }
  ],
  "engineAgreement": [
    {
      "model": "M1g",
      "engine": "from scratch",
      "trainAcc": 90.66,
      "valAcc": 88.51,
      "valLoss": 0.3322
    },
    {
      "model": "M2",
      "engine": "framework",
      "trainAcc": 90.99,
      "valAcc": 88.23,
      "valLoss": 0.3494
    }
  ],
  "m3Results": [
    {
      "model": "M3a",
      "trainAcc": 86.94,
      "valAcc": 88.51,
      "valLoss": 0.3188
    },
    {
      "model": "M3b",
      "trainAcc": 87.54,
      "valAcc": 88.59,
      "valLoss": 0.3128
    }
  ],
  "testResults": [
    {
      "model": "M0",
      "accuracy": 87.45,
      "f1Macro": 83.92,
      "crossEntropy": 0.3862
    },
    {
      "model": "M1g",
      "accuracy": 88.58,
      "f1Macro": 85.73,
      "crossEntropy": 0.3368
    },
    {
      "model": "M2",
      "accuracy": 88.36,
      "f1Macro": 85.56,
      "crossEntropy": 0.3466
    },
    {
      "model": "M3b",
      "accuracy": 88.83,
      "f1Macro": 85.81,
      "crossEntropy": 0.3122
    }
  ],
  "robustness": {
    "sigmas": [
      0.0,
      0.1,
      0.2,
      0.3,
      0.4,
      0.5
    ],
    "accuracy": {
      "M0": [
        87.45,
        80.04,
        52.21,
        25.98,
        12.13,
        6.49
      ],
      "M1g": [
        88.58,
        77.44,
        39.95,
        17.44,
        8.98,
        5.49
      ],
      "M2": [
        88.36,
        76.12,
        32.55,
        9.13,
        3.77,
        2.33
      ],
      "M3b": [
        88.83,
        87.6,
        70.34,
        37.77,
        15.83,
        7.49
      ]
    }
  },
  "hardware": "one laptop GPU with 4 GB memory; batch 512; about 1.2 GB of GPU memory used during training"
} as const;

/** The dataset the published figures are for. */
export const PUBLISHED_DATASET = 'emnist-bymerge';
