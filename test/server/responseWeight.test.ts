/**
 * Issue 24, findings 1 and 2: what one document may make the server build. The weight of an answer is
 * estimated with every list at its real multiplicity (page sizes however they are given, schema
 * defaults, id lists, lists without arguments) and images and matrices at their bytes; one response
 * may weigh MAX_RESPONSE_BYTES, one push MAX_PUSH_BYTES, one user's subscriptions together
 * MAX_PUSH_BYTES_PER_USER per event, and subscriptions cannot select heavy fields.
 */
import { parse } from 'graphql/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../trainer/config/presets';
import { isHeavy } from '../../server/graphql/heavyGate';
import { costRefusal, MAX_PUSH_BYTES, MAX_RESPONSE_BYTES } from '../../server/graphql/limits';
import { buildSchema } from '../../server/graphql/schema';
import { MAX_PUSH_BYTES_PER_USER } from '../../server/graphql/subscriptionWeight';
import { weighDocument } from '../../server/graphql/weight';
import { collect, startTestService, TINY, waitFor, type TestService } from './helpers';

const schema = buildSchema();
const weigh = (q: string, v: Record<string, unknown> = {}) => weighDocument(schema, parse(q), v).bytes;
const FIELDS = 'id name epochs { epoch trainLoss valLoss } evaluation { accuracy macroF1 }';
const GALLERY = (first: string) => `examples(first: ${first}) { items { image { pixelsBase64 } } }`;
/** The issue's document: ids × studyGroup.runs × 4 galleries of 200 images. */
const ATTACK = (ids: number) =>
  `query { compare(ids: [${Array.from({ length: ids }, () => '"x"').join(',')}]) { studyGroup { runs { ${[0, 1, 2, 3].map((i) => `g${i}: ${GALLERY('200')}`).join(' ')} } } } }`;

describe('the weight of an answer', () => {
  it('counts a page size the same whether written, in a variable, in its default or left to the schema default', () => {
    const written = weigh(`{ runs(first: 50) { edges { node { ${FIELDS} } } } }`);
    expect(weigh(`query($n: Int) { runs(first: $n) { edges { node { ${FIELDS} } } } }`, { n: 50 })).toBe(written);
    expect(weigh(`query($n: Int = 50) { runs(first: $n) { edges { node { ${FIELDS} } } } }`)).toBe(written);
    expect(weigh(`{ runs { edges { node { ${FIELDS} } } } }`)).toBe(written); // the schema's first: Int = 50
    expect(weigh(`{ runs(first: 200) { edges { node { ${FIELDS} } } } }`)).toBeGreaterThan(3.9 * written);
    // The gallery's default page (60) counts like first: 60.
    expect(weigh(`query($id: ID!) { run(id: $id) { examples { items { image { pixelsBase64 } } } } }`)).toBe(weigh(`query($id: ID!) { run(id: $id) { ${GALLERY('60')} } }`));
  });

  it('counts every id of a list, duplicates included, and lists without arguments at their bound', () => {
    const one = weigh(`{ compare(ids: ["a"]) { ${FIELDS} } }`);
    const thirty = weigh(`query($ids: [ID!]!) { compare(ids: $ids) { ${FIELDS} } }`, { ids: Array(30).fill('a') });
    expect(thirty).toBeGreaterThan(29 * one);
    const group = weigh(`{ group(id: "g") { runs { ${FIELDS} } } }`);
    expect(group).toBeGreaterThan(PRESETS.length * 0.9 * weigh(`{ run(id: "r") { ${FIELDS} } }`));
  });

  it('weighs an image as its base64 bytes and a confusion matrix as its 47² counts', () => {
    const images = weigh(`{ run(id: "r") { ${GALLERY('200')} } }`);
    expect(images).toBeGreaterThan(200 * Math.ceil(784 / 3) * 4);
    expect(weigh('{ run(id: "r") { evaluation { confusion } } }')).toBeGreaterThan(47 * 47 * 2);
  });

  it('refuses the issue\'s documents, with their page sizes written or left to defaults, and keeps the heavy gate on the same measure', () => {
    const refused = (q: string, v: Record<string, unknown> = {}) => costRefusal(schema, parse(q), v)?.message ?? null;
    expect(refused(ATTACK(15))).toMatch(/^This document could answer with up to [\d.,]+ MB, more than the 16 MB one response may carry: ask for fewer runs \(ids\), smaller pages \(first\)/);
    expect(weigh(ATTACK(15))).toBeGreaterThan(100 * 2 ** 20);
    const aliases = (first: string) => `query${first === '$n' ? '($n: Int = 200)' : ''} { ${[0, 1, 2, 3].map((i) => `a${i}: runs${first ? `(first: ${first})` : ''} { edges { node { ${FIELDS} robustness { sigma accuracy } } } }`).join(' ')} }`;
    expect(refused(aliases('200'))).not.toBeNull();
    expect(refused(aliases('$n'))).toBe(refused(aliases('200')));
    expect(refused(aliases(''))).not.toBeNull(); // the schema's 50 per alias, 1,000 epochs each
    expect(refused(aliases('10'))).toBeNull();
    expect(isHeavy(schema, parse(aliases('10')), {})).toBe(true); // allowed, but it takes turns
    expect(weigh(aliases(''))).toBeGreaterThan(MAX_RESPONSE_BYTES);
  });
});

describe('over the wire', () => {
  let svc: TestService;
  let runId: string;
  beforeAll(async () => {
    svc = await startTestService();
    runId = (await svc.gql('mutation($i: LaunchRunInput!) { launchRun(input: $i) { id } }', { i: { dataset: 'mnist', config: TINY, name: 'weighed' } })).data.launchRun.id;
  });
  afterAll(async () => svc?.stopAll());

  const tagEdit = (tag: string) => svc.gql('mutation($id: ID!, $t: [String!]!) { updateRun(id: $id, input: { tags: $t }) { id } }', { id: runId, t: [tag] });

  it('refuses the 15-id gallery document over HTTP before any resolver runs', async () => {
    const res = await fetch(`${svc.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${svc.admin.token}` }, body: JSON.stringify({ query: ATTACK(15) }) });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.errors[0].message).toMatch(/more than the 16 MB one response may carry/);
    expect(body.errors[0].extensions.limit).toBe('MAX_RESPONSE_MB');
  });

  it('refuses heavy fields in subscriptions, bounds each push and a user\'s pushes together, and still pushes light ones', async () => {
    const client = svc.ws();
    const gallery = collect(client, `subscription($id: ID!) { runUpdated(id: $id) { id ${GALLERY('200')} } }`, { id: runId }, (d) => d);
    await waitFor(async () => gallery.errors.length > 0, 10_000);
    expect(JSON.stringify(gallery.errors)).toMatch(/A subscription cannot select Run examples \(images\): subscribe to the change without it and fetch images with a query/);
    // Four copies of 10,000-character notes: over one push's limit.
    const notes = collect(client, 'subscription($id: ID!) { runUpdated(id: $id) { a: notes b: notes c: notes d: notes } }', { id: runId }, (d) => d);
    await waitFor(async () => notes.errors.length > 0, 10_000);
    expect(JSON.stringify(notes.errors)).toMatch(new RegExp(`more than the ${MAX_PUSH_BYTES / 1024} KB one push may carry \\(MAX_PUSH_KB\\)`));
    // Three copies fit one push; the user's subscriptions together reach MAX_PUSH_BYTES_PER_USER.
    const each = weigh('subscription($id: ID!) { runUpdated(id: $id) { a: notes b: notes c: notes } }');
    const fit = Math.floor(MAX_PUSH_BYTES_PER_USER / each);
    const held = Array.from({ length: fit }, () => collect(client, 'subscription($id: ID!) { runUpdated(id: $id) { a: notes b: notes c: notes } }', { id: runId }, (d) => d.runUpdated.a));
    await waitFor(async () => {
      await tagEdit(`t${Date.now()}`);
      await new Promise((r) => setTimeout(r, 200));
      return held.every((h) => h.values.length > 0);
    }, 20_000);
    expect(held.every((h) => h.errors.length === 0)).toBe(true);
    const over = collect(svc.ws(), 'subscription($id: ID!) { runUpdated(id: $id) { a: notes b: notes c: notes } }', { id: runId }, (d) => d);
    await waitFor(async () => over.errors.length > 0, 10_000);
    expect(JSON.stringify(over.errors)).toMatch(new RegExp(`Your open subscriptions could push [\\d,]+ KB per event, more than the ${MAX_PUSH_BYTES_PER_USER / 1024} KB one user's subscriptions may \\(MAX_PUSH_KB_PER_USER\\)`));
    // Completing one gives its share back.
    await held[0].stop();
    const again = collect(client, 'subscription($id: ID!) { runUpdated(id: $id) { a: notes b: notes c: notes } }', { id: runId }, (d) => d.runUpdated.a);
    await waitFor(async () => {
      await tagEdit(`u${Date.now()}`);
      await new Promise((r) => setTimeout(r, 200));
      return again.values.length > 0 || again.errors.length > 0;
    }, 20_000);
    expect(again.errors).toEqual([]);
    await Promise.all([...held.slice(1), again, over, notes, gallery].map((s) => s.stop()));
  });

  it('coalesces a run\'s plain updates: edits back to back reach a watcher as a few pushes, the last one current', async () => {
    // Its own run and account: nothing left over from the test above.
    const watched = (await svc.gql('mutation($i: LaunchRunInput!) { launchRun(input: $i) { id } }', { i: { dataset: 'mnist', config: TINY, name: 'coalesced' } })).data.launchRun.id;
    const edit = (tag: string) => svc.gql('mutation($id: ID!, $t: [String!]!) { updateRun(id: $id, input: { tags: $t }) { id } }', { id: watched, t: [tag] });
    const watcherUser = await svc.createUser('viewer', 'Wendy');
    const watcher = collect(svc.wsAs(watcherUser.token), 'subscription($id: ID!) { runUpdated(id: $id) { tags } }', { id: watched }, (d) => d.runUpdated.tags[0]);
    await waitFor(async () => {
      await edit(`warm${Date.now()}`);
      await new Promise((r) => setTimeout(r, 300));
      return watcher.values.length > 0 || watcher.errors.length > 0;
    }, 60_000);
    expect(watcher.errors).toEqual([]);
    await new Promise((r) => setTimeout(r, 400)); // past the interval of the warm-up pushes
    const before = watcher.values.length;
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 20 }, (_, i) => edit(`e${i}`)));
    await edit('last');
    const elapsed = Date.now() - t0;
    await waitFor(async () => watcher.values.at(-1) === 'last', 10_000, 20);
    // At most one push per 500 ms (RUN_UPDATE_INTERVAL_MS) while the edits lasted, plus the leading and trailing ones; without coalescing, 21.
    const pushes = watcher.values.length - before;
    expect(pushes).toBeLessThanOrEqual(Math.ceil(elapsed / 500) + 2);
    expect(pushes).toBeLessThan(21);
    await watcher.stop();
  });
});
