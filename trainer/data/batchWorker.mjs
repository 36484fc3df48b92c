/**
 * Batch-preparation worker thread (plain JavaScript so it loads the same under tsx, vitest and node).
 * It reads the uint8 pool from shared memory, and for each mini-batch of the order it is given writes
 * the scaled float32 pixels — row-major [n, features] and, for the scratch engine's first-layer
 * gradient, column-major [features, n] — then transfers them to the training thread. It runs at most
 * `depth` batches ahead, so memory stays a few batches, and the training thread never waits on it.
 */
import { parentPort } from 'node:worker_threads';

let images = null;
let labels = null;
let features = 0;
let batchSize = 0;
let withTransposed = false;
let order = null;
let epoch = -1;
let next = 0;
let credits = 0;

function gather(from, to) {
  const n = to - from;
  const pixels = new Float32Array(n * features);
  const pixelsT = withTransposed ? new Float32Array(n * features) : null;
  const batchLabels = new Int32Array(n);
  const scale = 1 / 255;
  for (let k = 0; k < n; k++) {
    const i = order[from + k];
    const src = i * features;
    const dst = k * features;
    for (let p = 0; p < features; p++) pixels[dst + p] = images[src + p] * scale;
    if (pixelsT) for (let p = 0; p < features; p++) pixelsT[p * n + k] = pixels[dst + p];
    batchLabels[k] = labels[i];
  }
  return { pixels, pixelsT, labels: batchLabels };
}

function pump() {
  while (credits > 0 && order && next < order.length) {
    const to = Math.min(next + batchSize, order.length);
    const batch = gather(next, to);
    const transfer = [batch.pixels.buffer, batch.labels.buffer];
    if (batch.pixelsT) transfer.push(batch.pixelsT.buffer);
    parentPort.postMessage({ type: 'batch', epoch, ...batch }, transfer);
    next = to;
    credits -= 1;
  }
}

parentPort.on('message', (msg) => {
  if (msg.type === 'init') {
    images = msg.images;
    labels = msg.labels;
    features = msg.features;
    batchSize = msg.batchSize;
    withTransposed = msg.withTransposed;
  } else if (msg.type === 'epoch') {
    epoch = msg.epoch;
    order = msg.order;
    next = 0;
    credits = msg.depth;
    pump();
  } else if (msg.type === 'ack') {
    if (msg.epoch === epoch) credits += 1;
    pump();
  }
});
