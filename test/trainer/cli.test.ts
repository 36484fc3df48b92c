// The train and evaluate commands as a user runs them: exit codes, messages, the result JSON.
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EMNIST_DIR, fixtureFile, hasEmnist, needsEmnist } from '../helpers/emnist';

const exec = promisify(execFile);
// `node --import tsx`, one process: the tsx command relays signals to a child of its own, which a
// Ctrl-C test must not depend on (under load the relay can end the child before it stops cleanly).
const node = process.execPath;
const tsx = (script: string, ...args: string[]) => ['--import', 'tsx', script, ...args];

async function cli(script: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec(node, tsx(`trainer/cli/${script}.ts`, ...args), { env: { ...process.env, ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('train CLI refuses bad input with a message naming the problem', () => {
  it.each([
    [['--lr=-1'], /lr: must be greater than 0/],
    [['--hidden', ''], /hidden: needs at least one hidden layer/],
    [['--set', 'activation="tanh"'], /activation: Invalid option/],
    [['--batch-size', '0'], /batchSize: /],
    [['--preset', 'M9'], /Unknown preset "M9". Known presets: M0, M1a/],
    [['--set', 'colour=1'], /--set colour: unknown config field/],
  ])('%j', async (args, message) => {
    const r = await cli('train', [...args, '--data', '/nonexistent']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('names missing data files', async () => {
    const r = await cli('train', ['--data', '/nonexistent', '--epochs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/EMNIST ByMerge is incomplete here; missing: folder \/nonexistent does not exist/);
  });
});

describe.skipIf(!hasEmnist)(`train and evaluate on the fixture${needsEmnist}`, () => {
  it('trains, writes the result JSON, and saves a model that evaluate reloads', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-'));
    const out = path.join(dir, 'result.json');
    const modelDir = path.join(dir, 'model');
    const r = await cli('train', ['--preset', 'M1b', '--fixture', 'strat100', '--epochs', '3', '--hidden', '64', '--seed', '3', '--backend', 'wasm', '--out', out, '--save-model', modelDir], { EMNIST_DIR: EMNIST_DIR! });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/epoch 3\/3 .* val loss/);
    expect(r.stdout).toMatch(/test macro F1/);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result).toMatchObject({ preset: 'M1b', engine: 'scratch', backend: 'wasm', seed: 3 });
    expect(result.config.hidden).toEqual([64]);
    expect(result.history).toHaveLength(3);
    expect(result.test.confusion).toHaveLength(47);
    expect(result.robustness.points).toHaveLength(6);
    expect(result.timings.totalSeconds).toBeGreaterThan(0);

    // Evaluate the saved model on all 4,700 fixture images (70% of which it trained on): far above chance.
    const e = await cli('evaluate', ['--model', modelDir, '--images', fixtureFile('emnist-bymerge-test-strat100-images-idx3-ubyte.gz'), '--labels', fixtureFile('emnist-bymerge-test-strat100-labels-idx1-ubyte.gz')]);
    expect(e.code, e.stderr).toBe(0);
    const metrics = JSON.parse(e.stdout);
    expect(metrics.count).toBe(4700);
    expect(metrics.accuracy).toBeGreaterThan(Math.min(0.25, result.test.accuracy - 0.05));
    expect(metrics.perClass).toHaveLength(47);
  });

  it('evaluate explains a missing model folder', async () => {
    const e = await cli('evaluate', ['--model', '/nonexistent', '--images', 'a', '--labels', 'b']);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/model\.json: cannot read the saved model/);
  });
});

describe.skipIf(!hasEmnist)(`train --checkpoint: Ctrl-C, then the same command again${needsEmnist}`, () => {
  it('resumes after the last finished epoch and ends with the uninterrupted result', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-checkpoint-'));
    const args = ['--preset', 'M1b', '--fixture', 'strat100', '--epochs', '8', '--hidden', '256,128', '--batch-size', '32', '--seed', '4', '--backend', 'wasm', '--set', 'earlyStopping=null'];
    const env = { ...process.env, EMNIST_DIR: EMNIST_DIR! };
    const checkpoint = path.join(dir, 'run.ckpt');
    const whole = await cli('train', [...args, '--out', path.join(dir, 'whole.json')], env);
    expect(whole.code, whole.stderr).toBe(0);

    // Ctrl-C as soon as the first checkpoint is on disk: the run stops after its batch and says how to go on.
    const child = execFile(node, tsx('trainer/cli/train.ts', ...args, '--out', path.join(dir, 'first.json'), '--checkpoint', checkpoint), { env });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    while (!existsSync(checkpoint)) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const first = JSON.parse(readFileSync(path.join(dir, 'first.json'), 'utf8'));
    expect(first.cancelled).toBe(true);
    expect(first.history.length).toBeLessThan(8);
    expect(stderr).toMatch(/interrupted: stopping after this batch; run the same command again to resume after epoch \d/);

    const again = await cli('train', [...args, '--out', path.join(dir, 'resumed.json'), '--checkpoint', checkpoint], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`resuming after epoch ${first.history.length} from`));
    const a = JSON.parse(readFileSync(path.join(dir, 'whole.json'), 'utf8'));
    const b = JSON.parse(readFileSync(path.join(dir, 'resumed.json'), 'utf8'));
    expect(b.history.map((h: { trainLoss: number; valLoss: number }) => [h.trainLoss, h.valLoss])).toEqual(a.history.map((h: { trainLoss: number; valLoss: number }) => [h.trainLoss, h.valLoss]));
    expect(b.test).toEqual(a.test);
    expect(existsSync(checkpoint)).toBe(false); // removed once the run finished

    // A damaged checkpoint is refused, saying what to do.
    writeFileSync(checkpoint, 'not a checkpoint');
    const damaged = await cli('train', [...args, '--checkpoint', checkpoint], env);
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toMatch(/--checkpoint .*run\.ckpt: checkpoint is not in our format .*Delete it to start from epoch 1/);
  });
});
