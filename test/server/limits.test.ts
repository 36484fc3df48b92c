/**
 * Limits on what a caller may ask for: the quotas (memory and work per run, queued runs per user,
 * studies per hour; each refusal names its limit and queues nothing; an admin lifts a user's cap),
 * string inputs (lengths, NUL bytes), the graphql-armor document limits (the 133-alias attack, tuned
 * so every document the dashboard sends passes), the 20,000-character search, subscriptions per
 * socket and per user, statement_timeout and the cancellation of a query whose client went away, and
 * the masking of internal errors.
 */
import { parse, validate } from 'graphql/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as generated from '../../app/_graphql/generated';

/** The dashboard's operations, as the browser and the server components send them. */
const operations = Object.entries(generated).flatMap(([name, v]) => (v instanceof String && /^\s*(query|mutation|subscription)\b/.test(v.toString()) ? [[name, v.toString()] as const] : []));
const op = (name: keyof typeof generated) => String(generated[name]);
import { DEFAULT_CONFIG } from '../../trainer/config/schema';
import { countParameters } from '../../trainer/config/presets';
import { cancellableQuery } from '../../server/db/cancellable';
import { maskResult } from '../../server/graphql/errorMasking';
import { HeavyGate, isHeavy } from '../../server/graphql/heavyGate';
import { MAX_ALIASES, socketValidationRules } from '../../server/graphql/limits';
import { buildSchema } from '../../server/graphql/schema';
import { costProblems, estimateRun, quotaSettingsFromEnv, STEP_WORK } from '../../server/runs/quotas';
import { collect, startTestService, TINY, waitFor, type TestService, type TestUser } from './helpers';
import { GraphQLError } from 'graphql/index.js';

const LAUNCH = 'mutation($input: LaunchRunInput!) { launchRun(input: $input) { id } }';
const code = (r: { errors?: { extensions?: any }[] }) => r.errors?.[0]?.extensions?.code;
const MNIST = { name: 'mnist', inputSize: 784, classCount: 10 };

let svc: TestService;
let member: TestUser;
const queued = async () => (await svc.gql('{ system { queued } }')).data.system.queued as number;

beforeAll(async () => {
  process.env.QUEUED_RUNS_PER_USER = '3';
  process.env.STUDIES_PER_HOUR = '1';
  process.env.RUN_MEMORY_LIMIT_MB = '512';
  try {
    svc = await startTestService();
  } finally {
    delete process.env.QUEUED_RUNS_PER_USER;
    delete process.env.STUDIES_PER_HOUR;
    delete process.env.RUN_MEMORY_LIMIT_MB;
  }
  member = await svc.createUser('member', 'Quinn');
});
afterAll(async () => svc?.stopAll());

describe('run estimates', () => {
  it('counts weights, gradients, Adam moments and one batch of activations', () => {
    const config = { ...DEFAULT_CONFIG, hidden: [100], optimizer: 'adam' as const, batchSize: 10 };
    const p = countParameters(784, [100], 10);
    expect(p).toBe(784 * 100 + 100 + 100 * 10 + 10);
    const cost = estimateRun(config, MNIST);
    // 4 bytes × (P × (weights + gradients + 2 moments) + batch × (784 inputs + 3 × 100 hidden + 3 × 10 outputs))
    expect(cost.memoryBytes).toBe(4 * (p * 4 + 10 * (784 + 300 + 30)));
    expect(cost.trainingSamples).toBe(7000); // 70 % of the package's 10,000 digits
    expect(cost.work).toBe(DEFAULT_CONFIG.epochs * (p * 7000 + 700 * STEP_WORK)); // 700 steps of 10
    expect(quotaSettingsFromEnv({ RUN_MEMORY_LIMIT_MB: '100' } as unknown as NodeJS.ProcessEnv).runMemoryBytes).toBe(100 * 2 ** 20);
    expect(() => quotaSettingsFromEnv({ RUN_WORK_LIMIT: 'lots' } as unknown as NodeJS.ProcessEnv)).toThrow(/RUN_WORK_LIMIT must be a non-negative number/);
  });

  it('counts every step\'s fixed cost, so a batch of 1 costs what it takes (issue 24: 3.09 s an epoch against 0.32 s at 256)', () => {
    const at = (batchSize: number) => estimateRun({ ...DEFAULT_CONFIG, batchSize, epochs: 1000 }, MNIST);
    expect(at(1).work / at(256).work).toBeGreaterThan(9);
    const q = { ...quotaSettingsFromEnv({} as NodeJS.ProcessEnv), runWork: 2 * at(512).work };
    expect(costProblems(at(512), q)).toEqual([]);
    expect(costProblems(at(1), q)[0]).toMatch(/^estimated work [\d.]+e\d+ \(epochs × \(parameters × training samples \+ steps × 1\.36e6 per step\) with [\d,]+ parameters, 7,000 training samples and 7,000 steps an epoch\) exceeds the limit .*use fewer epochs, a larger batchSize/);
  });

  it('shows the estimate against the limits before launching', async () => {
    const est = (await member.gql('query($i: LaunchRunInput!) { estimateRun(input: $i) { parameters memoryBytes memoryLimitBytes work workLimit problems } }', { i: { dataset: 'mnist', config: { hidden: [8192, 8192, 8192], batchSize: 4096 } } })).data.estimateRun;
    expect(est.memoryLimitBytes).toBe(512 * 2 ** 20);
    expect(est.memoryBytes).toBeGreaterThan(est.memoryLimitBytes);
    expect(est.problems[0]).toMatch(/exceeds the limit of 512 MB per run \(RUN_MEMORY_LIMIT_MB/);
  });
});

describe('quotas', () => {
  it('refuses a run too big for memory, naming the limit, and queues nothing', async () => {
    const before = await queued();
    const res = await member.gql(LAUNCH, { input: { dataset: 'mnist', config: { hidden: [8192, 8192, 8192, 8192], batchSize: 65536, epochs: 1 } } });
    expect(code(res)).toBe('QUOTA_EXCEEDED');
    expect(res.errors![0].extensions.limit).toBe('RUN_MEMORY_LIMIT_MB');
    expect(res.errors![0].message).toMatch(/estimated training memory [\d,]+ MB exceeds the limit of 512 MB per run .*raise RUN_MEMORY_LIMIT_MB/);
    expect(await queued()).toBe(before);
  });

  it('refuses a run with too much work, naming the limit, and queues nothing', async () => {
    const before = await queued();
    // 784-4096-4096-10: ≈ 20 M parameters, small batch (fits in memory), 1000 epochs × 7,000 samples ≈ 1.4e14 > 1e14.
    const res = await member.gql(LAUNCH, { input: { dataset: 'mnist', config: { hidden: [4096, 4096], batchSize: 16, epochs: 1000, optimizer: 'sgd' } } });
    expect(code(res)).toBe('QUOTA_EXCEEDED');
    expect(res.errors![0].extensions.limit).toBe('RUN_WORK_LIMIT');
    expect(res.errors![0].message).toMatch(/estimated work 1\.\d\de14 .* exceeds the limit of 1\.00e14 per run \(RUN_WORK_LIMIT\)/);
    expect(await queued()).toBe(before);
  });

  it("caps a user's queued runs, and an admin can lift the cap for them", async () => {
    for (let i = 0; i < 3; i++) expect(code(await member.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY, name: `q${i}` } }))).toBeUndefined();
    const before = await queued();
    const res = await member.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY } });
    expect(code(res)).toBe('QUOTA_EXCEEDED');
    expect(res.errors![0].message).toMatch(/you have 3 queued run\(s\) and this would add 1, over your limit of 3 queued runs \(QUEUED_RUNS_PER_USER .*an admin can raise yours/);
    expect(code(await member.gql('mutation($id: ID!) { cloneRun(id: $id) { id } }', { id: (await member.gql('{ runs(filter: { mine: true }, first: 1) { edges { node { id } } } }')).data.runs.edges[0].node.id }))).toBe('QUOTA_EXCEEDED');
    expect(await queued()).toBe(before);
    // Other users are not affected.
    expect(code(await svc.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY } }))).toBeUndefined();
    await svc.gql(`mutation { updateUser(id: "${member.id}", input: { queuedRunLimit: 20 }) { queuedRunLimit } }`);
    expect(code(await member.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY } }))).toBeUndefined();
    expect((await member.gql('{ me { limits { queuedRuns } } }')).data.me.limits.queuedRuns).toBe(20);
  });

  it('caps studies per hour, and a study counts against the queue', async () => {
    const STUDY = 'mutation { launchStudy(input: { dataset: "mnist", overrides: { epochs: 1, hidden: [8] } }) { id runs { id } } }';
    await svc.gql(`mutation { updateUser(id: "${member.id}", input: { queuedRunLimit: 100 }) { id } }`);
    expect(code(await member.gql(STUDY))).toBeUndefined();
    const before = await queued();
    const res = await member.gql(STUDY);
    expect(code(res)).toBe('QUOTA_EXCEEDED');
    expect(res.errors![0].message).toMatch(/you launched 1 study in the last hour; your limit is 1 per hour \(STUDIES_PER_HOUR/);
    expect(await queued()).toBe(before);
    await svc.gql(`mutation { updateUser(id: "${member.id}", input: { queuedRunLimit: 5, studiesPerHourLimit: 10 }) { id } }`);
    expect((await member.gql(STUDY)).errors![0].message).toMatch(/Queue limit: .* over your limit of 5 queued runs/);
    await svc.gql(`mutation { updateUser(id: "${member.id}", input: { queuedRunLimit: null, studiesPerHourLimit: null }) { queuedRunLimit studiesPerHourLimit } }`);
    expect((await member.gql('{ me { limits { queuedRuns studiesPerHour } } }')).data.me.limits).toEqual({ queuedRuns: 3, studiesPerHour: 1 });
  });
});

describe('string inputs', () => {
  it('refuses NUL bytes and over-long strings naming the field, storing nothing', async () => {
    const before = await queued();
    const nul = await svc.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY, name: 'bad\u0000name' } });
    expect(code(nul)).toBe('BAD_USER_INPUT');
    expect(nul.errors![0].message).toBe('input.name: contains a NUL character (\\u0000), which cannot be stored; remove it');
    const long = await svc.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY, name: 'x'.repeat(201) } });
    expect(long.errors![0].message).toBe('name: at most 200 characters');
    expect((await svc.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY, tags: ['t'.repeat(51)] } })).errors![0].message).toMatch(/tags: each tag at most 50 characters/);
    expect((await svc.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY, tags: Array.from({ length: 31 }, (_, i) => `t${i}`) } })).errors![0].message).toMatch(/tags: at most 30 tags per run/);
    expect((await svc.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY, notes: 'n'.repeat(10_001) } })).errors![0].message).toMatch(/notes: at most 10,000 characters/);
    const id = (await svc.gql('{ runs(first: 1) { edges { node { id } } } }')).data.runs.edges[0].node.id;
    expect((await svc.gql('mutation($id: ID!, $n: String) { cloneRun(id: $id, name: $n) { id } }', { id, n: 'c'.repeat(75_000) })).errors![0].message).toMatch(/name: at most 10,000 characters/);
    expect((await svc.gql('mutation($id: ID!) { updateRun(id: $id, input: { notes: "a\\u0000b" }) { id } }', { id })).errors![0].message).toMatch(/^input\.notes: contains a NUL character/);
    expect(await queued()).toBe(before);
  });

  it('refuses half of a UTF-16 surrogate pair in run names, tags, notes, account names and token labels (issue 24)', async () => {
    const lone = 'bad \ud800 text';
    const id = (await svc.gql('{ runs(first: 1) { edges { node { id name } } } }')).data.runs.edges[0].node.id;
    for (const input of [{ name: lone }, { tags: [lone] }, { notes: lone }]) {
      const res = await svc.gql('mutation($id: ID!, $i: UpdateRunInput!) { updateRun(id: $id, input: $i) { id } }', { id, i: input });
      expect(code(res), JSON.stringify(input)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].message).toMatch(/^input\.(name|tags\[0\]|notes): contains half of a UTF-16 surrogate pair/);
    }
    expect(code(await svc.gql(LAUNCH, { input: { dataset: 'mnist', config: TINY, name: 'x\udc00' } }))).toBe('BAD_USER_INPUT');
    const user = await svc.gql('mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }', { i: { email: 'lone@test.example', name: lone, role: 'VIEWER' } });
    expect(user.errors![0].message).toMatch(/^input\.name: contains half of a UTF-16 surrogate pair/);
    const token = await member.gql('mutation($l: String!) { createApiToken(label: $l) { token } }', { l: lone });
    expect(token.errors![0].message).toMatch(/^label: contains half of a UTF-16 surrogate pair/);
    // A whole pair is text (an emoji), and is kept as sent.
    const emoji = (await svc.gql('mutation($id: ID!, $n: String) { updateRun(id: $id, input: { notes: $n }) { notes } }', { id, n: 'ok \ud83d\ude00' })).data.updateRun.notes;
    expect(emoji).toBe('ok \ud83d\ude00');
  });
});

describe('document limits', () => {
  it('passes every document the dashboard sends', () => {
    const schema = buildSchema();
    expect(operations.length).toBeGreaterThan(20);
    for (const [name, text] of operations) {
      expect(validate(schema, parse(text), socketValidationRules).map((e) => `${name}: ${e.message}`)).toEqual([]);
    }
  });

  it('refuses the 133-alias list attack and a 20,000-character search before any SQL runs', async () => {
    const post = (query: string) => fetch(`${svc.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${svc.admin.token}` }, body: JSON.stringify({ query }) });
    const aliases = `{ ${Array.from({ length: 133 }, (_, i) => `a${i}: runs(first: 200, filter: { text: "needle" }) { totalCount }`).join(' ')} }`;
    const res = await post(aliases);
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].message).toMatch(/(Token|Aliases) limit of \d+ exceeded/);
    // With the 200-character search in each alias the document is too long to be read at all.
    const text = 'x'.repeat(200);
    const long = await post(`{ ${Array.from({ length: 133 }, (_, i) => `a${i}: runs(first: 200, filter: { text: "${text}" }) { totalCount }`).join(' ')} }`);
    expect(long.status).toBe(413);
    // The most the limits let through: MAX_ALIASES aliases, each page of 200 with a 200-character search.
    const allowed = `{ ${Array.from({ length: MAX_ALIASES }, (_, i) => `a${i}: runs(first: 200, filter: { text: "${text}" }) { totalCount }`).join(' ')} }`;
    expect((await svc.gql(allowed)).errors).toBeUndefined();
    const search = await svc.gql('query($t: String) { runs(filter: { text: $t }) { totalCount } }', { t: 'y'.repeat(20_000) });
    expect(search.errors![0].message).toMatch(/^filter\.text: at most [\d,]+ characters/);
    expect((await svc.gql('query($t: String) { runs(filter: { text: $t }) { totalCount } }', { t: 'y'.repeat(201) })).errors![0].message).toBe('filter.text: at most 200 characters');
  });

  it('counts a page size passed as a variable like one written in the document', async () => {
    const heavy = (first: string) => `query${first === "$n" ? "($n: Int)" : ""} { ${Array.from({ length: MAX_ALIASES }, (_, i) => `a${i}: runs(first: ${first}) { edges { node { id name epochs { epoch trainLoss valLoss } evaluation { accuracy macroF1 } robustness { sigma accuracy } } } }`).join(' ')} }`;
    const literal = await svc.gql(heavy('200'));
    const variable = await svc.gql(heavy('$n'), { n: 200 });
    expect(literal.errors![0].message).toMatch(/more than the 16 MB one response may carry/);
    expect(variable.errors![0].message).toBe(literal.errors![0].message);
    expect((await svc.gql(heavy('$n'), { n: 20 })).errors).toBeUndefined();
  });

  it('costs the same fields the same, written in place or through fragments (the dashboard uses fragments)', async () => {
    const fields = 'id name epochs { epoch trainLoss valLoss } evaluation { accuracy macroF1 } robustness { sigma accuracy }';
    const aliases = (node: string, n: number) => Array.from({ length: MAX_ALIASES }, (_, i) => `a${i}: runs(first: ${n}) { edges { node { ${node} } } }`).join(' ');
    const inline = (n: number) => `query { ${aliases(fields, n)} }`;
    const viaFragment = (n: number) => `query { ${aliases('...F', n)} } fragment F on Run { ${fields} }`;
    const schema = buildSchema();
    for (const n of [20, 200]) {
      expect((await svc.gql(viaFragment(n))).errors?.[0]?.message, `first: ${n}`).toBe((await svc.gql(inline(n))).errors?.[0]?.message);
      expect(isHeavy(schema, parse(viaFragment(n)), {})).toBe(isHeavy(schema, parse(inline(n)), {}));
    }
    expect((await svc.gql(inline(200))).errors?.[0]?.message).toMatch(/more than the 16 MB one response may carry/);
    // Fragments that spread each other twice per level would expand to 2^30 fields: refused, not expanded.
    const bomb = `query { runs(first: 1) { edges { node { ...F30 } } } } fragment F0 on Run { id } ${Array.from({ length: 30 }, (_, i) => `fragment F${i + 1} on Run { ...F${i} ...F${i} }`).join(' ')}`;
    expect((await svc.gql(bomb)).errors?.[0]?.message).toMatch(/fragments expand to more than 50,000 fields/);
    expect(isHeavy(schema, parse(bomb), {})).toBe(true);
  });

  it('makes the heaviest documents take turns, and lets the ordinary ones through at once', async () => {
    const schema = buildSchema();
    const heavy = (q: string, v?: Record<string, unknown>) => isHeavy(schema, parse(q), v);
    expect(heavy(op('RunsDocument'), { first: 50 })).toBe(false);
    expect(heavy(op('RunDocument'), { id: 'x' })).toBe(false);
    expect(heavy(op('CompareDocument'), { ids: ['a', 'b'] })).toBe(false);
    expect(heavy(op('CompareDocument'), { ids: Array.from({ length: 20 }, (_, i) => `r${i}`) })).toBe(true);
    expect(heavy(op('StudyReportDocument'), { dataset: 'mnist' })).toBe(false); // the report is computed on the server: one light query
    expect(heavy('query($n: Int) { runs(first: $n) { edges { node { evaluation { confusion } } } } }', { n: 6 })).toBe(true);
    const gate = new HeavyGate(1, 1);
    const order: string[] = [];
    const first = await gate.acquire();
    const second = gate.acquire().then((release) => {
      order.push('second');
      return release;
    });
    await new Promise((r) => setImmediate(r));
    order.push('first done');
    first();
    (await second)();
    expect(order).toEqual(['first done', 'second']);
    await (await gate.acquire())(); // the slot is free again
  });

  it('caps subscriptions per socket and per user', async () => {
    const client = svc.wsAs(member.token);
    const subs = Array.from({ length: 50 }, () => collect(client, 'subscription { runsChanged { kind } }', {}, (d) => d));
    const extra = collect(client, 'subscription { runsChanged { kind } }', {}, (d) => d);
    await waitFor(async () => extra.errors.length > 0, 10_000);
    expect(JSON.stringify(extra.errors)).toMatch(/At most 50 subscriptions per connection/);
    expect(subs.every((s) => s.errors.length === 0)).toBe(true);
    // Four sockets of 50 reach the per-user cap of 200; a fifth socket gets nothing more.
    const more = [1, 2, 3].flatMap(() => {
      const c = svc.wsAs(member.token);
      return Array.from({ length: 50 }, () => collect(c, 'subscription { runsChanged { kind } }', {}, (d) => d));
    });
    // Every one of them is live once each has heard a change made after it (sockets are not ordered).
    await waitFor(async () => {
      await svc.gql('mutation($i: LaunchRunInput!) { launchRun(input: $i) { id } }', { i: { dataset: 'mnist', config: TINY, name: 'ping' } });
      await new Promise((r) => setTimeout(r, 300));
      return more.every((m) => m.values.length > 0);
    }, 20_000);
    const fifth = collect(svc.wsAs(member.token), 'subscription { runsChanged { kind } }', {}, (d) => d);
    await waitFor(async () => fifth.errors.length > 0, 20_000);
    expect(JSON.stringify(fifth.errors)).toMatch(/At most 200 subscriptions per user/);
    expect(more.every((s) => s.errors.length === 0)).toBe(true);
    await Promise.all([...subs, ...more].map((s) => s.stop()));
  });
});

describe('database statements', () => {
  it('runs the API under statement_timeout and cancels a statement whose client went away', async () => {
    expect((await svc.access.pool.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe('5s');
    const abort = new AbortController();
    const slow = cancellableQuery(svc.access.pool, 'SELECT pg_sleep(30)', [], abort.signal);
    await waitFor(async () => (await svc.access.pool.query(`SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'`)).rowCount);
    abort.abort();
    await expect(slow).rejects.toThrow(/canceling statement due to user request/);
    expect((await svc.access.pool.query(`SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'`)).rowCount).toBe(0);
  });
});

describe('errors', () => {
  it('masks internal errors with a request id and keeps user mistakes readable', () => {
    const internal = new GraphQLError('connect ECONNREFUSED 127.0.0.1:5432 at /srv/app/server/db.ts', { path: ['runs'], originalError: new Error('boom') });
    const mistake = new GraphQLError('name: at most 200 characters', { extensions: { code: 'BAD_USER_INPUT' } });
    const errors: string[] = [];
    const log = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      const masked = maskResult({ data: null, errors: [internal, mistake] }, 'abc123');
      expect(masked.errors).toEqual([
        { message: 'Internal error (request id abc123); the server log has the details', path: ['runs'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'abc123' } },
        expect.objectContaining({ message: 'name: at most 200 characters', extensions: { code: 'BAD_USER_INPUT' } }),
      ]);
    } finally {
      console.error = log;
    }
    expect(errors.join()).toMatch(/request abc123 failed .* at runs: Error: boom/);
  });
});
