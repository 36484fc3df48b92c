/** The trainer workers on every host: what each can train on and what it is training (read-only, refreshed). */
import { WorkersDocument } from '../_graphql/generated';
import { query } from '../_lib/server/query';
import { WorkersView } from './_components/WorkersView';

export const metadata = { title: 'Workers' };

export default async function WorkersPage() {
  return <WorkersView initial={await query(WorkersDocument, {})} />;
}
