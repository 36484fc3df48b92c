"""PyTorch reference for `npm run bench` / `npm run bench:torch`: the same work as our M1g throughput
figure, so the two can be printed side by side from one run on one machine.

Work: MLP 784-400-240-120-47 (ReLU), softmax cross-entropy, Adam (lr 1e-3), batch 512; the images stay
uint8 in memory and each batch is gathered in a reshuffled order and scaled to float32 [0,1], as our
trainer does. With --emnist DIR the pool is the EMNIST ByMerge files found there (first --rows images),
otherwise EMNIST-like synthetic images (80% background). Samples/s are counted over --seconds of
training after --warmup seconds (training loop only, like ours).

Prints one JSON line: {"torch": version, "threads": n, "samplesPerSecond": x, "steps": k, "rows": n}.
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--seconds', type=float, default=6)
    parser.add_argument('--warmup', type=float, default=2)
    parser.add_argument('--rows', type=int, default=512 * 40)
    parser.add_argument('--batch-size', type=int, default=512)
    parser.add_argument('--emnist', default=None)
    args = parser.parse_args()

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
                    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'samplesPerSecond': steps * args.batch_size / elapsed, 'steps': steps, 'rows': n, 'data': source}))
                    return


if __name__ == '__main__':
    main()
