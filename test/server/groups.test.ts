/**
 * Study groups with a real trainer worker on MNIST: cancelling a group cancels every queued member and
 * stops the running one; re-running puts a new run in the group for each failed or cancelled member
 * (the group's members are then the new runs, the old ones listed as replaced); deleting the group
 * stops what runs and deletes every run and the group, with one audit entry per run. And a deleted run
 * takes its saved model folder with it.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, TINY, waitFor, type TestService } from './helpers';

let svc: TestService;

beforeAll(async () => {
  svc = await startTestService({ workers: 1 });
});
afterAll(async () => {
  await svc?.stopAll();
});

const statuses = async (groupId: string) =>
  (await svc.gql('query($id: ID!) { group(id: $id) { status running queued cancelled total runs { id preset status } replacedRuns { id } } }', { id: groupId })).data.group;

describe('a study group with a worker', () => {
  it('cancel stops the running member and cancels the queued ones; re-run queues them again; delete removes it all', async () => {
    // Long enough that M0 is still training when the group is cancelled.
    const launched = await svc.gql('mutation { launchStudy(input: { dataset: "mnist", overrides: { epochs: 300 } }) { id runs { id } } }');
    expect(launched.errors).toBeUndefined();
    const groupId: string = launched.data.launchStudy.id;
    await waitFor(async () => (await statuses(groupId)).running === 1, 60_000);

    const cancel = await svc.gql('mutation($id: ID!) { cancelGroup(id: $id) { message results { id ok message run { preset status } } group { id } } }', { id: groupId });
    expect(cancel.errors).toBeUndefined();
    const results = cancel.data.cancelGroup.results;
    expect(results).toHaveLength(12);
    expect(results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    expect(results.filter((r: { message: string | null }) => r.message === 'stopping after its current batch').map((r: any) => r.run.preset)).toEqual(['M0']);
    expect(cancel.data.cancelGroup.message).toBe('12 runs cancelled or stopping.');
    // The running member stops after its batch; every member ends CANCELLED.
    const done = await waitFor(async () => {
      const g = await statuses(groupId);
      return g.cancelled === 12 && g;
    }, 60_000);
    expect(done).toMatchObject({ status: 'CANCELLED', running: 0, queued: 0, total: 12 });

    const rerun = await svc.gql('mutation($id: ID!) { rerunFailedInGroup(id: $id) { message results { id ok run { id group status name } } } }', { id: groupId });
    expect(rerun.errors).toBeUndefined();
    expect(rerun.data.rerunFailedInGroup.message).toBe('12 runs queued again.');
    const fresh = rerun.data.rerunFailedInGroup.results.map((r: any) => r.run);
    expect(fresh.every((r: any) => r.group === groupId && r.name.endsWith('(re-run)'))).toBe(true);
    const after = await statuses(groupId);
    expect(after.runs.map((r: { id: string }) => r.id)).toEqual(fresh.map((r: { id: string }) => r.id));
    expect(after.replacedRuns).toHaveLength(12);
    await waitFor(async () => (await statuses(groupId)).running === 1, 60_000);

    // Delete stops the running re-run, then deletes all 24 runs and the group.
    const deleted = await svc.gql('mutation($id: ID!) { deleteGroup(id: $id) { message group { id } results { id ok message } } }', { id: groupId });
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data.deleteGroup).toMatchObject({ group: null, message: '24 runs deleted. The group is deleted.' });
    expect((await svc.gql('query($id: ID!) { group(id: $id) { id } }', { id: groupId })).data.group).toBeNull();
    expect((await svc.gql('query($g: String) { runs(filter: { group: $g, archived: ALL }) { totalCount } }', { g: groupId })).data.runs.totalCount).toBe(0);
    const audit = (await svc.gql('{ auditLog(first: 200) { entries { action groupId runId detail } } }')).data.auditLog.entries;
    expect(audit.filter((e: any) => e.action === 'deleteRun' && e.detail?.group === groupId)).toHaveLength(24);
    expect(audit.filter((e: any) => e.action === 'cancelRun' && e.detail?.group === groupId)).toHaveLength(12);
    expect(audit.find((e: any) => e.action === 'deleteGroup')).toMatchObject({ groupId, detail: { deleted: 24, groupDeleted: true } });
    expect(audit.find((e: any) => e.action === 'rerunFailedInGroup')).toMatchObject({ groupId, detail: { runs: 12 } });
  });

  it('deleting a run removes its saved model folder', async () => {
    const id = (await svc.gql('mutation($c: JSON) { launchRun(input: { dataset: "mnist", config: $c }) { id } }', { c: { ...TINY, epochs: 1 } })).data.launchRun.id;
    const run = await waitFor(async () => {
      const r = (await svc.gql('query($id: ID!) { run(id: $id) { status modelPath } }', { id })).data.run;
      return r.status === 'SUCCEEDED' && r;
    }, 90_000);
    // modelPath is shown relative to the server's folder; the worker saved it under MODELS_DIR.
    const folder = `${svc.tmp}/models/${id}`;
    expect(run.modelPath.endsWith(id)).toBe(true);
    expect(fs.existsSync(folder)).toBe(true);
    expect((await svc.gql('mutation($id: ID!) { deleteRun(id: $id) }', { id })).data.deleteRun).toBe(true);
    expect(fs.existsSync(folder)).toBe(false);
  });
});
