/** Pure helpers behind the pages: analysis, formatting, the launch form's validation (the report is built on the server: test/server/studyReportRows.test.ts). */
import { describe, expect, it } from 'vitest';
import { bestIndex, configDiff, confusionDifference, flatten } from '../../app/_lib/analysis';
import { topConfusedPairs } from '../../trainer/eval/confusedPairs';
import { ago, duration, pct, toCsv } from '../../app/_lib/format';
import { changeSummary, verb } from '../../app/_lib/audit';
import { latestOnly } from '../../app/_lib/latestOnly';
import { DEFAULT_CONFIG } from '../../trainer/config/schema';

describe('analysis', () => {
  it('finds the most confused pairs, largest first, with the rate of the true class', () => {
    const m = [[90, 10, 0], [1, 95, 4], [0, 30, 70]];
    const pairs = topConfusedPairs(m, ['O', '0', 'D'], 2);
    expect(pairs.map((p) => `${p.trueName}→${p.predName}`)).toEqual(['D→0', 'O→0']);
    expect(pairs[0].rate).toBeCloseTo(0.3);
  });

  it('differences confusion matrices in percentage points of each true class', () => {
    const d = confusionDifference([[50, 50], [0, 100]], [[80, 20], [0, 200]]);
    expect(d[0][0]).toBeCloseTo(30);
    expect(d[0][1]).toBeCloseTo(-30);
    expect(d[1][1]).toBeCloseTo(0);
  });

  it('diffs configs down to the differing dotted fields only', () => {
    const a = { ...DEFAULT_CONFIG };
    const b = { ...DEFAULT_CONFIG, lr: 0.01, hidden: [400, 240, 120], schedule: { type: 'exponential', gamma: 0.95 } };
    const diff = configDiff([a, b]);
    expect(diff.map((d) => d.field)).toEqual(['hidden', 'lr', 'schedule.gamma', 'schedule.type']);
    expect(flatten({ split: { mode: 'official' } })).toEqual({ 'split.mode': 'official' });
  });

  it('marks the best value, ignoring missing ones', () => {
    expect(bestIndex([0.8, null, 0.9, 0.85], 'max')).toBe(2);
    expect(bestIndex([0.4, 0.3, undefined], 'min')).toBe(1);
    expect(bestIndex([null, NaN], 'max')).toBe(-1);
  });
});

describe('format', () => {
  it('formats fractions, durations, relative times and CSV', () => {
    expect(pct(0.8745)).toBe('87.45%');
    expect(pct(null)).toBe('—');
    expect(duration(5.25)).toBe('5.3 s');
    expect(duration(185)).toBe('3 min 05 s');
    expect(duration(7440)).toBe('2 h 04 min');
    expect(duration(299.6)).toBe('5 min 00 s');
    expect(duration(7199.9)).toBe('2 h 00 min');
    expect(ago('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:10:00Z'))).toBe('10 min ago');
    expect(toCsv([{ a: 1, b: 'x,y' }, { a: 2, b: 'q"z' }])).toBe('a,b\n1,"x,y"\n2,"q""z"\n');
  });
});

describe('audit trail wording', () => {
  it('names every action the server records in plain words, and what changed', () => {
    for (const action of ['archiveRun', 'restoreRun', 'reevaluateRun', 'pinReportRun', 'unpinReportRun', 'cancelGroup', 'rerunFailedInGroup', 'deleteGroup', 'signIn', 'signOut', 'signInRefused', 'passwordChanged']) {
      expect(verb(action), action).not.toBe(action);
    }
    expect(changeSummary({ action: 'updateRun', detail: { bulk: true, addTags: ['a', 'b'] } })).toBe('tagged a, b');
    expect(changeSummary({ action: 'updateRun', detail: { removeTags: ['x'], group: 'g1' } })).toBe('untagged x');
    expect(changeSummary({ action: 'updateRun', detail: { name: 'new', tags: [], notes: 'n' } })).toBe('renamed “new”; tags (none); notes');
    expect(changeSummary({ action: 'pinReportRun', detail: { dataset: 'emnist-bymerge', preset: 'M0', replaced: null } })).toBe('M0 on emnist-bymerge');
    expect(changeSummary({ action: 'signInRefused', detail: { email: 'gina@test.example' } })).toBe('as gina@test.example');
    expect(changeSummary({ action: 'cancelGroup', detail: { cancelled: 12 } })).toBe('12 runs');
  });
});

describe('latestOnly', () => {
  it('delivers only the newest call, however late an older one answers', async () => {
    const answers: Array<(v: string) => void> = [];
    const delivered: string[] = [];
    const fetchRun = latestOnly(() => new Promise<string>((resolve) => answers.push(resolve)), (v) => delivered.push(v));
    const poll = fetchRun(); // sent while the run trained
    const final = fetchRun(); // sent when it finished
    answers[1]('SUCCEEDED with evaluation');
    await final;
    answers[0]('RUNNING'); // the poll answers last
    await poll;
    expect(delivered).toEqual(['SUCCEEDED with evaluation']);
  });

  it('swallows a failed call and delivers the next one', async () => {
    let fail = true;
    const delivered: number[] = [];
    const fetchRun = latestOnly(async () => {
      if (fail) throw new Error('network down');
      return 7;
    }, (v) => delivered.push(v));
    await fetchRun();
    fail = false;
    await fetchRun();
    expect(delivered).toEqual([7]);
  });
});
