/**
 * /playground: a drawing pad that asks finished runs what they read. The server renders the runs one
 * may ask (finished, newest first, with whether their saved model is here); the pad, the preview and
 * the answers are client leaves. `?image=…&label=…&runs=…` opens a gallery's test image.
 */
import { PlaygroundRunsDocument } from '../_graphql/generated';
import { query } from '../_lib/server/query';
import { PageTitle } from '../_components/ui';
import { Playground } from './_components/Playground';

export const metadata = { title: 'Playground' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;

export default async function PlaygroundPage({ searchParams }: Props) {
  const params = await searchParams;
  const { runs } = await query(PlaygroundRunsDocument, {});
  return (
    <div className="space-y-4" data-testid="playground">
      <PageTitle title="Playground" lead="Draw a character and see how finished runs read it, side by side." />
      <Playground
        runs={runs.edges.map((e) => e.node)}
        image={one(params.image)}
        imageLabel={one(params.label)}
        askRuns={(one(params.runs) ?? '').split(',').filter(Boolean)}
      />
    </div>
  );
}
