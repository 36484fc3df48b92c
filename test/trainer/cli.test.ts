// The train and evaluate commands as a user runs them: exit codes, messages, the result JSON.
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EMNIST_DIR, fixtureFile, hasEmnist, needsEmnist } from '../helpers/emnist';

const exec = promisify(execFile);
const tsx = path.resolve('node_modules/.bin/tsx');

async function cli(script: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec(tsx, [`trainer/cli/${script}.ts`, ...args], { env: { ...process.env, ...env }, timeout: 120_000 });
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
