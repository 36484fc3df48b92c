"""PyTorch reference for `npm run bench` / `npm run bench:torch`: the same work as our M1g throughput
figure, so the two can be printed side by side from one run on one machine.

Work: MLP 784-400-240-120-47 (ReLU), softmax cross-entropy, Adam (lr 1e-3), batch 512; the images stay
uint8 in memory and each batch is gathered in a reshuffled order and scaled to float32 [0,1], as our
trainer does. With --emnist DIR the pool is the EMNIST ByMerge files found there (first --rows images),
otherwise EMNIST-like synthetic images (80% background). Samples/s are counted over --seconds of
training after --warmup seconds (training loop only, like ours).

With --mode eval it makes instead the evaluation passes of trainer/bench/evalSpeed.ts: over --rows images
in blocks of 2048, a clean pass (softmax, predicted class, p(true class), top 3) and, from one N(0,1)
draw per block, the noisy passes σ 0.1-0.5 unclipped and clipped to [0,1] (eleven passes in all), under
torch.no_grad(); it reports images per second over all passes.

Threads: --threads sets torch's own (torch.set_num_threads); OpenBLAS's come from OPENBLAS_NUM_THREADS,
which the caller sets in the environment (the library reads it when it loads). Both are reported.

Prints one JSON line: {"torch": version, "threads": n, "blasThreads": b, "samplesPerSecond": x, "steps": k, "rows": n}
(--mode eval: "imagesPerSecond" and "passes" instead of samples and steps).
Needs python3-torch (Debian: apt-get install -y python3-torch libopenblas0-pthread).
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch


def read_idx(path, header):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=header)


def load_pool(emnist_dir, rows):
    if emnist_dir:
        images, labels = [], []
        for split in ('train', 'test'):
            stem = os.path.join(emnist_dir, f'emnist-bymerge-{split}')
            for suffix in ('.gz', ''):
                img = f'{stem}-images-idx3-ubyte{suffix}'
                lab = f'{stem}-labels-idx1-ubyte{suffix}'
                if os.path.exists(img) and os.path.exists(lab):
                    images.append(read_idx(img, 16).reshape(-1, 784))
                    labels.append(read_idx(lab, 8))
                    break
        if images:
            x = np.concatenate(images)[:rows]
            y = np.concatenate(labels)[:rows].astype(np.int64)
            return x, y, 'emnist'
    rng = np.random.default_rng(1)
    x = np.where(rng.random((rows, 784)) < 0.8, 0, rng.integers(0, 256, (rows, 784))).astype(np.uint8)
    y = (np.arange(rows) % 47).astype(np.int64)
    return x, y, 'synthetic'


def evaluate(model, images, labels, blas_threads, source, block=2048):
    sigmas = [0.1, 0.2, 0.3, 0.4, 0.5]
    generator = torch.Generator().manual_seed(9)
    n = len(labels)

    def passes(rows):
        for start in range(0, rows, block):
            x = torch.from_numpy(images[start:start + block]).float().div_(255.0)
            y = labels[start:start + block]
            p = torch.softmax(model(x), dim=1)
            p.argmax(dim=1)
            p.gather(1, y.unsqueeze(1))
            p.topk(3, dim=1)
            z = torch.randn(x.shape, generator=generator)
            for sigma in sigmas:
                for clip in (False, True):
                    xn = x + sigma * z
                    if clip:
                        xn.clamp_(0.0, 1.0)
                    (model(xn).argmax(dim=1) == y).sum()

    model.eval()
    with torch.no_grad():
        passes(min(n, 4096))  # warm-up
        t0 = time.perf_counter()
        passes(n)
        elapsed = time.perf_counter() - t0
    count = 1 + 2 * len(sigmas)
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'blasThreads': blas_threads, 'imagesPerSecond': n * count / elapsed, 'passes': count, 'rows': n, 'data': source}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--seconds', type=float, default=6)
    parser.add_argument('--warmup', type=float, default=2)
    parser.add_argument('--rows', type=int, default=512 * 40)
    parser.add_argument('--batch-size', type=int, default=512)
    parser.add_argument('--emnist', default=None)
    parser.add_argument('--mode', choices=['train', 'eval'], default='train')
    args = parser.parse_args()
    blas_threads = int(os.environ.get('OPENBLAS_NUM_THREADS') or os.cpu_count() or 1)

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    images, labels, source = load_pool(args.emnist, args.rows)
    labels_t = torch.from_numpy(labels)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 400), torch.nn.ReLU(),
        torch.nn.Linear(400, 240), torch.nn.ReLU(),
        torch.nn.Linear(240, 120), torch.nn.ReLU(),
        torch.nn.Linear(120, 47),
    )
    if args.mode == 'eval':
        evaluate(model, images, labels_t, blas_threads, source)
        return
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    rng = np.random.default_rng(2)
    n = len(labels)

    steps = 0
    started = time.perf_counter()
    t0 = None
    while True:
        order = rng.permutation(n)
        for start in range(0, n, args.batch_size):
            idx = order[start:start + args.batch_size]
            x = torch.from_numpy(images[idx]).float().div_(255.0)
            y = labels_t[idx]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            now = time.perf_counter()
            if t0 is None:
                if now - started >= args.warmup:
                    t0 = now
            else:
                steps += 1
                if now - t0 >= args.seconds and steps >= 5:
                    elapsed = now - t0
                    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'blasThreads': blas_threads, 'samplesPerSecond': steps * args.batch_size / elapsed, 'steps': steps, 'rows': n, 'data': source}))
                    return


if __name__ == '__main__':
    main()
