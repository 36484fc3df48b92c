/**
 * The GraphQL API without workers (runs stay QUEUED): validation that names the field and stores
 * nothing, launch/clone/update/cancel/delete, launchStudy, the list query's filters, sorts and keyset
 * pagination, presets, datasets (EMNIST missing with a hint, MNIST always there), query limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema, parse, validate } from 'graphql/index.js';
import { PRESETS } from '../../trainer/config/presets';
import { MAX_ALIASES, MAX_DEPTH, socketValidationRules } from '../../server/graphql/limits';
import { EMNIST_DIR, hasEmnist } from '../helpers/emnist';
import { untilDelivered } from '../helpers/wait';
import { collect, startTestService, TINY, waitFor, type TestService } from './helpers';

let svc: TestService;
const savedEmnist = process.env.EMNIST_DIR;

beforeAll(async () => {
  delete process.env.EMNIST_DIR; // the catalogue reads it per request; tests below set it when they need it
  svc = await startTestService({ workers: 0 });
});
afterAll(async () => {
  if (savedEmnist !== undefined) process.env.EMNIST_DIR = savedEmnist;
  await svc?.stopAll();
});

const LAUNCH = 'mutation($input: LaunchRunInput!) { launchRun(input: $input) { id name status preset dataset engine seed tags owner config parameters queuePosition createdAt } }';
const count = async () => (await svc.gql('{ runs { totalCount } }')).data.runs.totalCount as number;

describe('launching and validation', () => {
  it('refuses invalid configs naming the field and the rule, and queues nothing', async () => {
    const before = await count();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ preset: 'M0', dataset: 'mnist', config: { lr: -1 } }, /config\.lr: must be greater than 0/],
      [{ dataset: 'mnist', config: { hidden: [] } }, /config\.hidden: needs at least one hidden layer/],
      [{ dataset: 'mnist', config: { activation: 'gelu' } }, /config\.activation: the scratch engine supports only relu/],
      [{ dataset: 'mnist', config: { learningRate: 0.1 } }, /config: unknown field\(s\) learningRate/],
      [{ dataset: 'mnist', config: { split: { train: 0.5 } } }, /config\.split: train \+ val \+ test must be 1/],
      [{ dataset: 'mnist', config: 'fast' }, /config: must be an object/],
      [{ preset: 'M9', dataset: 'mnist' }, /preset: unknown preset "M9"/],
      [{ dataset: 'cifar' }, /dataset: unknown dataset "cifar"/],
      [{ dataset: 'emnist-bymerge' }, /dataset: emnist-bymerge is not available/],
      [{ dataset: 'mnist', config: { split: { mode: 'official', valFraction: 0.1 } } }, /config\.split\.mode: dataset mnist has no official train\/test files/],
    ];
    for (const [input, message] of cases) {
      const res = await svc.gql(LAUNCH, { input });
      expect(res.errors?.[0].message, JSON.stringify(input)).toMatch(message);
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    const res = await svc.gql(LAUNCH, { input: { dataset: 'mnist', config: { lr: 0, epochs: 0 } } });
    expect(res.errors![0].extensions.issues.map((i: { field: string }) => i.field).sort()).toEqual(['config.epochs', 'config.lr']);
    expect(await count()).toBe(before);
  });

  it('launches a preset with overrides merged over it and fills the filterable columns', async () => {
    const res = await svc.gql(LAUNCH, { input: { preset: 'M1b', dataset: 'mnist', config: { epochs: 3, seed: 7 }, tags: ['a', ' b ', 'a'] } });
    expect(res.errors).toBeUndefined();
    const run = res.data.launchRun;
    expect(run).toMatchObject({ status: 'QUEUED', preset: 'M1b', dataset: 'mnist', engine: 'scratch', seed: 7, tags: ['a', 'b'], owner: 'Test Admin', name: 'M1b on mnist' });
    expect(run.config).toMatchObject({ optimizer: 'adam', epochs: 3, seed: 7, earlyStopping: { patience: 5, minDelta: 0 } });
    expect(run.parameters).toBe(784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10);
    expect(typeof run.queuePosition).toBe('number');
  });

  it('clones with overrides, edits, cancels a queued run and deletes', async () => {
    const src = (await svc.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY, name: 'source' } })).data.launchRun;
    const bad = await svc.gql('mutation($id: ID!) { cloneRun(id: $id, overrides: { lr: 20 }) { id } }', { id: src.id });
    expect(bad.errors![0].message).toMatch(/overrides\.lr/);
    const clone = (await svc.gql('mutation($id: ID!) { cloneRun(id: $id, overrides: { hidden: [32, 16] }) { id name config } }', { id: src.id })).data.cloneRun;
    expect(clone.name).toBe('source (clone)');
    expect(clone.config.hidden).toEqual([32, 16]);
    expect(clone.config.lr).toBe(TINY.lr);
    const edited = (await svc.gql('mutation($id: ID!) { updateRun(id: $id, input: { name: "renamed", tags: ["x"], notes: "why" }) { name tags notes } }', { id: clone.id })).data.updateRun;
    expect(edited).toEqual({ name: 'renamed', tags: ['x'], notes: 'why' });
    const cancelled = (await svc.gql('mutation($id: ID!) { cancelRun(id: $id) { status finishedAt } }', { id: clone.id })).data.cancelRun;
    expect(cancelled.status).toBe('CANCELLED');
    const again = await svc.gql('mutation($id: ID!) { cancelRun(id: $id) { status } }', { id: clone.id });
    expect(again.errors![0].message).toMatch(/already finished/);
    expect((await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id: clone.id })).data.deleteRun).toBe(true);
    expect((await svc.gql('query($id: ID!) { run(id: $id) { id } }', { id: clone.id })).data.run).toBeNull();
    expect((await svc.gql('mutation { deleteRun(id: "nope") }')).errors![0].message).toMatch(/No run with id nope/);
  });

  it('queues the whole study as one group', async () => {
    const res = await svc.gql('mutation { launchStudy(input: { dataset: "mnist", overrides: { epochs: 1 } }) { id runs { preset group config status } } }');
    expect(res.errors).toBeUndefined();
    const study = res.data.launchStudy;
    expect(study.runs.map((r: { preset: string }) => r.preset)).toEqual(PRESETS.map((p) => p.name));
    expect(study.runs.every((r: { group: string; config: { epochs: number } }) => r.group === study.id && r.config.epochs === 1)).toBe(true);
    const refused = await svc.gql('mutation { launchStudy(input: { dataset: "mnist", overrides: { activation: "gelu" } }) { id } }');
    expect(refused.errors![0].message).toMatch(/^M0: Invalid run config: overrides\.activation: the scratch engine supports only relu/);
    const grouped = await svc.gql('query($g: String) { runs(filter: { group: $g }, first: 100) { totalCount } }', { g: study.id });
    expect(grouped.data.runs.totalCount).toBe(PRESETS.length);
  });
});

describe('subscriptions', () => {
  it('announces created, status and deleted runs, and applies the same limits over WebSocket', async () => {
    const client = svc.ws();
    const changes = collect(client, 'subscription { runsChanged { kind runId status } }', {}, (d) => d.runsChanged);
    // Live once it has delivered the creation of a probe run (deleted again).
    const probes: string[] = [];
    await untilDelivered(
      async () => probes.push((await svc.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY, name: 'probe' } })).data.launchRun.id),
      () => changes.values.some((c) => c.kind === 'created' && probes.includes(c.runId)),
    );
    for (const probe of probes) await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id: probe });
    const id = (await svc.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY } })).data.launchRun.id;
    await svc.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id });
    await svc.gql('mutation($id: ID!) { updateRun(id: $id, input: { notes: "not a status change" }) { id } }', { id });
    await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id });
    const mine = () => changes.values.filter((c) => c.runId === id);
    await waitFor(async () => mine().length >= 3, 5_000);
    expect(mine()).toEqual([
      { kind: 'created', runId: id, status: 'QUEUED' },
      { kind: 'status', runId: id, status: 'CANCELLED' },
      { kind: 'deleted', runId: id, status: 'CANCELLED' },
    ]);
    await changes.stop();
    const wide = collect(client, `subscription { ${Array.from({ length: MAX_ALIASES + 1 }, (_, i) => `f${i}: runsChanged { kind }`).join(' ')} }`, {}, (d) => d);
    await waitFor(async () => wide.errors.length > 0, 5_000);
    expect(JSON.stringify(wide.errors)).toMatch(new RegExp(`Aliases limit of ${MAX_ALIASES} exceeded`));
  });
});

describe('the runs list', () => {
  it('filters, sorts and pages by cursor without gaps or repeats', async () => {
    for (let i = 0; i < 7; i++) {
      await svc.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY, name: `page ${i}`, tags: ['paging'], notes: i === 3 ? 'The Needle' : null } });
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await svc.gql('query($after: String) { runs(filter: { tag: "paging" }, sort: { field: NAME, direction: ASC }, first: 3, after: $after) { totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }', { after });
      expect(res.errors).toBeUndefined();
      expect(res.data.runs.totalCount).toBe(7);
      seen.push(...res.data.runs.edges.map((e: { node: { name: string } }) => e.node.name));
      if (!res.data.runs.pageInfo.hasNextPage) break;
      after = res.data.runs.pageInfo.endCursor;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `page ${i}`));
    const mine = await svc.gql('{ byName: runs(filter: { tag: "paging", owner: "Test Admin" }) { totalCount } mine: runs(filter: { tag: "paging", mine: true }) { totalCount } }');
    expect(mine.data).toEqual({ byName: { totalCount: 7 }, mine: { totalCount: 7 } });
    const text = await svc.gql('{ runs(filter: { text: "needle" }) { edges { node { name } } } }');
    expect(text.data.runs.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['page 3']);
    // The search also matches the owner's name; the dataset filter matches the dataset's name exactly.
    const owner = await svc.gql('{ hit: runs(filter: { tag: "paging", text: "test adm" }) { totalCount } miss: runs(filter: { tag: "paging", text: "nobody by this name" }) { totalCount } }');
    expect(owner.data).toEqual({ hit: { totalCount: 7 }, miss: { totalCount: 0 } });
    const byDataset = await svc.gql('{ hit: runs(filter: { tag: "paging", dataset: "mnist" }) { totalCount } miss: runs(filter: { tag: "paging", dataset: "emnist-bymerge" }) { totalCount } }');
    expect(byDataset.data).toEqual({ hit: { totalCount: 7 }, miss: { totalCount: 0 } });
    // The status filter, over a list known to hold runs of both kinds (an `every` over an empty list proves nothing).
    const cancelledId = (await svc.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY, name: 'to cancel' } })).data.launchRun.id;
    await svc.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: cancelledId });
    const status = await svc.gql('{ runs(filter: { status: [CANCELLED] }, first: 200) { edges { node { id status } } } }');
    const cancelled = status.data.runs.edges.map((e: { node: { id: string; status: string } }) => e.node);
    expect(cancelled.map((r: { id: string }) => r.id)).toContain(cancelledId);
    expect(cancelled.every((r: { status: string }) => r.status === 'CANCELLED')).toBe(true);
    expect(await count()).toBeGreaterThan(cancelled.length); // the queued ones are left out
    // A nullable sort key (no test accuracy yet) pages through NULLs too.
    const byAcc: string[] = [];
    after = null;
    for (;;) {
      const res: any = await svc.gql('query($after: String) { runs(filter: { tag: "paging" }, sort: { field: TEST_ACCURACY, direction: DESC }, first: 4, after: $after) { edges { node { name } } pageInfo { hasNextPage endCursor } } }', { after });
      byAcc.push(...res.data.runs.edges.map((e: { node: { name: string } }) => e.node.name));
      if (!res.data.runs.pageInfo.hasNextPage) break;
      after = res.data.runs.pageInfo.endCursor;
    }
    expect(byAcc.sort()).toEqual(seen);
    expect((await svc.gql('{ runs(after: "garbage") { totalCount } }')).errors![0].message).toMatch(/after: not a cursor/);
    expect((await svc.gql('query($n: Int) { runs(first: $n) { totalCount } }', { n: 201 })).errors![0].message).toMatch(/first: must be between/);
  });

  it('compares runs and reports the queue', async () => {
    const ids = (await svc.gql('{ runs(first: 3) { edges { node { id } } } }')).data.runs.edges.map((e: { node: { id: string } }) => e.node.id);
    const cmp = await svc.gql('query($ids: [ID!]!) { compare(ids: $ids) { id epochs { epoch } evaluation { accuracy } robustness { sigma } } }', { ids: [...ids, 'not-an-id'] });
    expect(cmp.data.compare.map((r: { id: string }) => r.id).sort()).toEqual([...ids].sort());
    const system = (await svc.gql('{ system { workers queued running defaultDataset } }')).data.system;
    expect(system).toMatchObject({ workers: 0, running: 0, defaultDataset: 'mnist' });
    expect(system.queued).toBeGreaterThan(5);
  });

  it('refuses queries that are too deep or too wide', async () => {
    // The deepest natural query passes.
    expect((await svc.gql('{ runs { edges { node { evaluation { perClass { name } } epochs { epoch } } } pageInfo { endCursor } } }')).errors).toBeUndefined();
    // Too many aliases (they multiply work) are refused over HTTP and WebSocket alike.
    const wide = `{ ${Array.from({ length: MAX_ALIASES + 1 }, (_, i) => `f${i}: presets { name }`).join(' ')} }`;
    expect((await svc.gql(wide)).errors?.[0].message).toMatch(new RegExp(`Aliases limit of ${MAX_ALIASES} exceeded`));
    // Our schema has no cycles today, so check the depth rule on a recursive one.
    const recursive = buildSchema('type Node { child: Node, name: String } type Query { root: Node }');
    const deep = `{ root { ${'child { '.repeat(MAX_DEPTH + 1)}name${' }'.repeat(MAX_DEPTH + 1)} } }`;
    expect(validate(recursive, parse(deep), socketValidationRules).map((e) => e.message).join()).toMatch(/Query depth limit of 8 exceeded/);
  });
});

describe('catalogue', () => {
  it('lists presets with parameter counts', async () => {
    const presets = (await svc.gql('{ presets { name group engine description parameters config } }')).data.presets;
    expect(presets.map((p: { name: string }) => p.name)).toEqual(PRESETS.map((p) => p.name));
    expect(presets.find((p: { name: string }) => p.name === 'M1g').parameters).toBe(444_847);
  });

  it('names each preset\'s protocol and lists the batch-mean variant of each from-scratch row (issue 25)', async () => {
    const presets = (await svc.gql('{ presets { name row variant protocol config variants { name row variant protocol config } } }')).data.presets;
    const m1c = presets.find((p: { name: string }) => p.name === 'M1c');
    expect(m1c).toMatchObject({ row: 'M1c', variant: null, protocol: 'summed gradients', config: { lossReduction: 'sum' } });
    expect(m1c.variants).toEqual([expect.objectContaining({ name: 'M1c · batch mean', row: 'M1c', variant: 'batch mean', protocol: 'batch mean', config: expect.objectContaining({ lossReduction: 'mean', l2: 0.01 }) })]);
    expect(presets.find((p: { name: string }) => p.name === 'M2')).toMatchObject({ protocol: 'batch mean', variants: [] });
    // A run launched as the variant is stored under its row, with the variant's identity.
    const run = (await svc.gql('mutation { launchRun(input: { preset: "M1c · batch mean", dataset: "mnist" }) { id name preset presetVariant presetExact presetLabel } }')).data.launchRun;
    expect(run).toMatchObject({ name: 'M1c · batch mean on mnist', preset: 'M1c', presetVariant: 'batch mean', presetExact: true, presetLabel: 'M1c · batch mean' });
    await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id: run.id });
  });

  it('reports EMNIST missing with what to do, and MNIST ready with statistics and samples', async () => {
    const res = await svc.gql('{ datasets { name available isDefault hint imageCount classNames stats { counts maxMinRatio } splits { set images } samples { label rows cols pixelsBase64 } } }');
    const [emnist, mnist] = res.data.datasets;
    expect(emnist).toMatchObject({ name: 'emnist-bymerge', available: false, isDefault: false, imageCount: null });
    expect(emnist.hint).toMatch(/npm run data:emnist/);
    expect(emnist.hint).toMatch(/EMNIST_DIR/);
    expect(mnist).toMatchObject({ name: 'mnist', available: true, isDefault: true, imageCount: 10_000 });
    expect(mnist.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(mnist.stats.counts.reduce((a: number, b: number) => a + b, 0)).toBe(10_000);
    expect(mnist.splits.map((s: { images: number }) => s.images).reduce((a: number, b: number) => a + b, 0)).toBe(10_000);
    expect(mnist.samples).toHaveLength(10);
    expect(Buffer.from(mnist.samples[3].pixelsBase64, 'base64')).toHaveLength(28 * 28);
  });

  it.skipIf(!hasEmnist)('makes EMNIST the default when EMNIST_DIR holds it', async () => {
    process.env.EMNIST_DIR = EMNIST_DIR!;
    try {
      const res = await svc.gql('{ datasets { name available isDefault } system { defaultDataset } }');
      expect(res.data.datasets.find((d: { name: string }) => d.name === 'emnist-bymerge')).toMatchObject({ available: true, isDefault: true });
      expect(res.data.system.defaultDataset).toBe('emnist-bymerge');
      const fixture = await svc.gql('{ dataset(name: "emnist-bymerge-strat100") { imageCount classNames stats { counts } } }');
      expect(fixture.data.dataset.imageCount).toBe(4700);
      expect(fixture.data.dataset.stats.counts.every((c: number) => c === 100)).toBe(true);
      const launched = await svc.gql(LAUNCH, { input: { preset: 'M0' } });
      expect(launched.data.launchRun.dataset).toBe('emnist-bymerge');
      expect(launched.data.launchRun.parameters).toBe(784 * 128 + 128 + 128 * 64 + 64 + 64 * 47 + 47);
    } finally {
      delete process.env.EMNIST_DIR;
    }
  });
});
