/**
 * The pure parts of the pages: view state in the address (runs list, compare), how far a run got
 * (a cancelled run's bar), merging live updates, and the run page's grouped config (stable order,
 * nothing left out, nothing cut).
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_STATE, listFilter, listSearch, parseListState } from '../../app/(runs)/_lib/listState';
import { compareSearch, parseCompareView, resolvePair } from '../../app/compare/_lib/view';
import { configGroups } from '../../app/runs/[id]/_lib/configGroups';
import { applyEpoch, applyRunUpdate, justFinished } from '../../app/_lib/liveRun';
import { fractionDone, phaseStep } from '../../app/_lib/runStatus';
import { DEFAULT_CONFIG } from '../../trainer/config/schema';
import { PRESETS } from '../../trainer/config/presets';

describe('runs list view in the address', () => {
  it('round-trips filters, search and sort; the default view is a bare address', () => {
    const state = { ...EMPTY_STATE, statuses: ['RUNNING' as const, 'QUEUED' as const], text: 'adam', dataset: 'mnist', owner: 'Dana', mine: true, sort: { field: 'TEST_ACCURACY' as const, direction: 'ASC' as const } };
    const search = listSearch(state);
    expect(parseListState(new URLSearchParams(search))).toEqual(state);
    expect(listSearch(EMPTY_STATE)).toBe('');
    expect(listFilter(state)).toEqual({ status: ['RUNNING', 'QUEUED'], text: 'adam', dataset: 'mnist', owner: 'Dana', mine: true });
    expect(parseListState({ status: 'NOPE,FAILED', sort: 'DROP TABLE:ASC' })).toMatchObject({ statuses: ['FAILED'], sort: { field: 'CREATED_AT', direction: 'DESC' } });
  });

  it('hides archived runs unless asked, and keeps a study group in the address', () => {
    const group = '0b4c2f7e-1d55-4e3a-9a43-5a6f0c8e9d21';
    const state = { ...EMPTY_STATE, group, archived: 'ALL' as const };
    expect(listSearch(state)).toBe(`?group=${group}&archived=ALL`);
    expect(parseListState(new URLSearchParams(listSearch(state)))).toEqual(state);
    expect(listFilter(state)).toEqual({ group, archived: 'ALL' });
    expect(listFilter(EMPTY_STATE)).toEqual({}); // the API's default: archived runs hidden
    expect(parseListState({ archived: 'EVERYTHING' }).archived).toBe('ACTIVE');
  });
});

describe('compare view in the address', () => {
  it('keeps runs, pair, scale and training curves; each run once, at most 50', () => {
    const v = parseCompareView({ ids: 'a,b,a,c', a: 'c', b: 'a', scale: 'log', train: '1' });
    expect(v).toEqual({ ids: ['a', 'b', 'c'], a: 'c', b: 'a', scale: 'log', train: true });
    expect(parseCompareView(new URLSearchParams(compareSearch(v)))).toEqual(v);
    expect(compareSearch({ ...v, scale: 'linear', train: false, a: null, b: null })).toBe('?ids=a,b,c');
    expect(parseCompareView({ ids: Array.from({ length: 80 }, (_, i) => `r${i}`).join(',') }).ids).toHaveLength(50);
  });

  it('never differences a run with itself', () => {
    expect(resolvePair({ a: 'x', b: 'x' }, ['x', 'y', 'z'])).toEqual({ a: 'x', b: 'y', same: true });
    expect(resolvePair({ a: null, b: null }, ['x', 'y'])).toEqual({ a: 'x', b: 'y', same: false });
    expect(resolvePair({ a: 'gone', b: 'z' }, ['x', 'y', 'z'])).toEqual({ a: 'x', b: 'z', same: false });
    expect(resolvePair({ a: 'x', b: null }, ['x'])).toEqual({ a: 'x', b: null, same: false });
  });
});

describe('how far a run got', () => {
  const base = { waitingForWorker: false, progress: null, epochsDone: 0, epochsPlanned: 20 };
  it('shows a cancelled run at 2 of 20 epochs as a tenth, not empty', () => {
    expect(fractionDone({ ...base, status: 'CANCELLED', epochsDone: 2 })).toBeCloseTo(0.1);
    expect(fractionDone({ ...base, status: 'FAILED', epochsDone: 5 })).toBeCloseTo(0.25);
    expect(fractionDone({ ...base, status: 'SUCCEEDED', epochsDone: 12 })).toBe(1); // stopped early: done all the same
    expect(fractionDone({ ...base, status: 'QUEUED' })).toBe(0);
    expect(fractionDone({ ...base, status: 'RUNNING', progress: { epoch: 3, epochs: 20, batch: 50, batches: 100 } })).toBeCloseTo(2.5 / 20);
    expect(fractionDone({ ...base, status: 'RUNNING', waitingForWorker: true, progress: { epoch: 3, epochs: 20, batch: 0, batches: 100 } })).toBeCloseTo(3 / 20);
  });

  it('counts finished epochs while loading and evaluating, never a full bar before the end; evaluation steps have their own', () => {
    const running = (progress: Record<string, unknown>) => fractionDone({ ...base, status: 'RUNNING', progress: { epochs: 20, batch: 0, batches: 0, ...progress } as never });
    expect(running({ epoch: 0, phase: 'loading' })).toBe(0);
    expect(running({ epoch: 5, phase: 'loading' })).toBeCloseTo(5 / 20); // resuming after epoch 5
    expect(running({ epoch: 20, phase: 'evaluating', label: 'evaluating test set', done: 4096, total: 23258 })).toBe(1);
    expect(phaseStep({ epoch: 20, epochs: 20, batch: 0, batches: 0, phase: 'robustness', label: 'robustness σ 0.3 (4 of 6)', done: 30000, total: 116290 })).toEqual({ label: 'robustness σ 0.3 (4 of 6)', fraction: 30000 / 116290 });
    expect(phaseStep({ epoch: 0, epochs: 20, batch: 0, batches: 0, phase: 'loading' })).toBeNull();
    expect(phaseStep({ epoch: 3, epochs: 20, batch: 5, batches: 9, phase: 'training' })).toBeNull();
  });
});

describe('live updates', () => {
  const run = { id: 'r', status: 'RUNNING', epochs: [{ epoch: 1, lr: 1, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 1, samplesPerSecond: 10 }] } as never;
  it('appends epochs once each, in order, and sees the end of a run', () => {
    const e = (epoch: number) => ({ runId: 'r', epoch, lr: 1, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 1, samplesPerSecond: 10 });
    const after = applyEpoch(applyEpoch(applyEpoch(run, e(3)), e(2)), e(3));
    expect((after as { epochs: { epoch: number }[] }).epochs.map((x) => x.epoch)).toEqual([1, 2, 3]);
    // The progress follows the epochs: after epoch 3 of 5 the run is in epoch 4, at its first batch.
    const running = { ...(run as object), progress: { epoch: 3, epochs: 5, batch: 7, batches: 9, samplesPerSecond: 1, phase: 'training' } } as never;
    expect((applyEpoch(running, e(3)) as { progress: { epoch: number; batch: number } }).progress).toMatchObject({ epoch: 4, batch: 0 });
    expect((applyEpoch(running, e(2)) as { progress: { epoch: number } }).progress.epoch).toBe(3); // an older epoch changes nothing
    expect((applyEpoch({ ...(running as object), progress: { epoch: 5, epochs: 5, batch: 9, batches: 9 } } as never, e(5)) as { progress: { epoch: number } }).progress.epoch).toBe(5);
    const patch = { id: 'r', status: 'SUCCEEDED' } as never;
    expect(justFinished(run, patch)).toBe(true);
    expect((applyRunUpdate(run, patch) as { status: string }).status).toBe('SUCCEEDED');
  });
});

describe('config on the run page', () => {
  it('is grouped in one order for every preset, with every field and every noise level in full', () => {
    const order = (c: unknown) => configGroups(c).flatMap((g) => g.fields.map((f) => f.key));
    const keys = order(DEFAULT_CONFIG);
    expect(configGroups(DEFAULT_CONFIG).map((g) => g.title)).toEqual(['Model', 'Optimiser', 'Training', 'Data', 'Robustness', 'Hardware']);
    expect(configGroups(DEFAULT_CONFIG).find((g) => g.title === 'Robustness')!.fields[0].value).toBe('[0, 0.1, 0.2, 0.3, 0.4, 0.5]');
    // The same order whatever order the keys arrive in (JSONB does not keep it).
    const shuffled = Object.fromEntries(Object.entries(DEFAULT_CONFIG).reverse());
    expect(order(shuffled)).toEqual(keys);
    // Nothing left out, for every preset: each dotted field of the config appears once.
    for (const p of PRESETS) {
      const shown = order(p.config);
      expect(new Set(shown).size).toBe(shown.length);
      expect(shown.length).toBeGreaterThanOrEqual(25);
    }
    // A field the groups do not know still shows, under Other.
    expect(configGroups({ ...DEFAULT_CONFIG, futureKnob: 3 }).at(-1)).toEqual({ title: 'Other', fields: [{ key: 'futureKnob', label: 'futureKnob', value: '3' }] });
  });
});
