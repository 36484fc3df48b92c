/**
 * Classification metrics from true and predicted labels, pure arithmetic (no tensors):
 * confusion matrix (rows = true class, columns = predicted), accuracy, per-class precision / recall /
 * F1, and macro F1 (the unweighted mean over classes, so every class counts the same despite the
 * 15:1 imbalance). A class with no predictions has precision 0; with no examples, recall 0.
 */
import type { ClassScore } from '../result';

export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) m[truth[i]][predicted[i]]++;
  return m;
}

export function accuracyOf(confusion: number[][]): number {
  let correct = 0;
  let total = 0;
  confusion.forEach((row, i) => row.forEach((v, j) => {
    total += v;
    if (i === j) correct += v;
  }));
  return total === 0 ? 0 : correct / total;
}

export function perClassScores(confusion: number[][], classNames: string[]): ClassScore[] {
  const classes = confusion.length;
  return confusion.map((row, k) => {
    const tp = row[k];
    const support = row.reduce((a, b) => a + b, 0);
    let predictedK = 0;
    for (let i = 0; i < classes; i++) predictedK += confusion[i][k];
    const precision = predictedK === 0 ? 0 : tp / predictedK;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { classIndex: k, name: classNames[k] ?? String(k), precision, recall, f1, support };
  });
}

export function macroF1(scores: ClassScore[]): number {
  return scores.length === 0 ? 0 : scores.reduce((s, c) => s + c.f1, 0) / scores.length;
}
