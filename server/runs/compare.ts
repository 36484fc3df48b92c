/**
 * Whether runs can be compared like for like. Accuracies on different datasets, or over different
 * class sets, say nothing about which model is better: the compare page warns, marks "best" only within
 * each dataset, and offers the confusion difference A−B only when both runs have the same classes in the
 * same order. Classes come from a run's stored evaluation, else from its dataset's catalogue entry.
 */
import { findDataset } from '../datasets/catalog';
import { inputError } from '../errors';
import { UUID } from './service';
import { toSql, type Db } from './sql';

export const MAX_COMPARE = 50;

export async function compareSummary(db: Db, ids: readonly string[]) {
  if (ids.length > MAX_COMPARE) throw inputError(`ids: compare at most ${MAX_COMPARE} runs`, [{ field: 'ids', message: `at most ${MAX_COMPARE}` }]);
  const { rows } = await toSql(db).query<{ id: string; dataset: string; testAccuracy: number | null; classNames: string[] | null }>(
    `SELECT r."id", r."dataset", r."testAccuracy", e."classNames" FROM "Run" r LEFT JOIN "Evaluation" e ON e."runId" = r."id" WHERE r."id" = ANY($1::uuid[])`,
    [ids.filter((id) => UUID.test(id))],
  );
  const classKey = (r: (typeof rows)[number]) => (r.classNames ? r.classNames.join('\u0001') : `${r.dataset}:${findDataset(r.dataset)?.classCount ?? '?'}`);
  const countOf = (r: (typeof rows)[number]) => r.classNames?.length ?? findDataset(r.dataset)?.classCount ?? 0;
  const datasets = [...new Set(rows.map((r) => r.dataset))].sort();
  const classCounts = [...new Set(rows.map(countOf))].sort((a, b) => a - b);
  const sameDataset = datasets.length <= 1;
  const sameClasses = new Set(rows.map(classKey)).size <= 1;
  const warnings: string[] = [];
  if (!sameDataset) warnings.push(`These runs were trained on different datasets (${datasets.join(', ')}): their accuracies are not comparable, so "best" is marked within each dataset only.`);
  if (classCounts.length > 1) warnings.push(`They have different numbers of classes (${classCounts.join(' vs ')}): chance level and difficulty differ, and confusion matrices cannot be subtracted.`);
  else if (!sameClasses) warnings.push('Their class sets differ (same count, other classes or order): confusion matrices cannot be subtracted.');
  const best = datasets.flatMap((dataset) => {
    const scored = rows.filter((r) => r.dataset === dataset && r.testAccuracy !== null).sort((a, b) => b.testAccuracy! - a.testAccuracy!);
    return scored.length ? [{ dataset, runId: scored[0].id, testAccuracy: scored[0].testAccuracy! }] : [];
  });
  return { datasets, classCounts, sameDataset, sameClasses, warnings, best };
}
