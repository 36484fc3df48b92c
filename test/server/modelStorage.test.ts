/**
 * A finished run is never thrown away because its model cannot be saved. A launch is refused when every
 * live worker reports an unwritable models folder (such a worker claims no runs); the trainer checks
 * the model folder before it trains; and when the save itself fails at the very end, the run SUCCEEDS
 * with its evaluation and a warning that the model was not saved. On the MNIST digits of the install.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNamedDataset } from '../../server/datasets/catalog';
import { TrainerWorker } from '../../server/worker/worker';
import { validateConfig, DEFAULT_CONFIG } from '../../trainer/config/schema';
import { runExperiment } from '../../trainer/run';
import { startTestService, TINY, waitFor, type TestService } from './helpers';

const CONFIG = { ...TINY, epochs: 1, batchSize: 128, seed: 3 };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'emnist-models-test-'));
const inTheWay = path.join(tmp, 'a-file');
fs.writeFileSync(inTheWay, 'not a folder');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('an unwritable models folder', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ workers: 1, workerEnv: { ...process.env, MODELS_DIR: path.join(inTheWay, 'models') } });
  });
  afterAll(async () => {
    await svc?.stopAll();
  });

  it('is refused at launch when no live worker can save models, and /healthz says why', async () => {
    await waitFor(async () => (await svc.gql('{ system { workers } }')).data.system.workers >= 1, 60_000, 100);
    const res = await svc.gql('mutation($input: LaunchRunInput!) { launchRun(input: $input) { id } }', { input: { dataset: 'mnist', config: CONFIG } });
    expect(res.data).toBeNull();
    expect(res.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(
      new RegExp(`^Cannot launch: no trainer worker can save models, so this run could never finish: the models folder \\(MODELS_DIR\\) ${inTheWay}/models is not writable \\(a file is in the way .*\\) \\(worker .*, pid \\d+\\)\\. Fix MODELS_DIR and restart the workers, then launch again$`),
    );
    expect((await svc.gql('{ runs { totalCount } }')).data.runs.totalCount).toBe(0); // nothing stored
    const health = await (await fetch(`${svc.url}/healthz`)).json();
    expect(health.status).toBe('degraded');
    expect(health.workers.unableToSaveModels).toHaveLength(1);
    expect(health.problems.join()).toMatch(/takes no runs: the models folder \(MODELS_DIR\) .* is not writable/);
  });

  it('is found by the trainer before it trains (the command line fails fast too)', async () => {
    const dataset = await loadNamedDataset('mnist');
    let epochs = 0;
    await expect(
      runExperiment(validateConfig({ ...DEFAULT_CONFIG, ...CONFIG }), { dataset, saveModelDir: path.join(inTheWay, 'models', 'm1'), callbacks: { onEpoch: () => void epochs++ } }),
    ).rejects.toThrow(/^the model folder .*a-file\/models is not writable \(a file is in the way.*\); training was not started\. Choose a writable folder for the model$/);
    expect(epochs).toBe(0);
  });
});

describe('a model save that fails at the end', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ workers: 0 });
  });
  afterAll(async () => {
    await svc?.stopAll();
  });

  it('leaves the run SUCCEEDED with its results and a warning', async () => {
    const modelsDir = path.join(tmp, 'models');
    const worker = new TrainerWorker({
      url: svc.databaseUrl,
      modelsDir,
      pollMs: 100,
      log: () => {},
      // The folder was fine when training started; just before the save, a file takes the run's place.
      train: (config, options) =>
        runExperiment(config, {
          ...options,
          callbacks: { ...options.callbacks, onPhase: (p) => (p === 'saving' && fs.writeFileSync(options.saveModelDir!, 'in the way'), options.callbacks?.onPhase?.(p)) },
        }),
    });
    await worker.start();
    try {
      const launched = await svc.gql('mutation($input: LaunchRunInput!) { launchRun(input: $input) { id } }', { input: { dataset: 'mnist', config: CONFIG } });
      const id = launched.data.launchRun.id;
      const run = await waitFor(async () => {
        const r = (await svc.gql('query($id: ID!) { run(id: $id) { status error warning modelPath evaluation { accuracy count } robustness { sigma } attempts { outcome } } }', { id })).data.run;
        return r.status !== 'QUEUED' && r.status !== 'RUNNING' && r;
      }, 120_000, 100);
      expect(run).toMatchObject({ status: 'SUCCEEDED', error: null, modelPath: null, attempts: [{ outcome: 'succeeded' }] });
      expect(run.warning).toMatch(/^The model was not saved \(.*(EEXIST|ENOTDIR).*\); the run's results are complete\.$/);
      expect(run.evaluation.count).toBeGreaterThan(0);
      expect(run.evaluation.accuracy).toBeGreaterThan(0.1);
      expect(run.robustness).toHaveLength(2);
    } finally {
      await worker.stop();
    }
  });
});
