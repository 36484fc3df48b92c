/**
 * A study group (/groups/[id]): the runs one launch of the study queued, in preset order, with status,
 * epochs and ETA; the group's progress and ETA from measured throughput; cancel, re-run the failed and
 * delete; and the group's own report. Rendered on the server, then kept live in the browser.
 */
import { notFound } from 'next/navigation';
import { GroupDocument } from '../../_graphql/generated';
import { UUID } from '../../_lib/ids';
import { query } from '../../_lib/server/query';
import { GroupLive } from './_components/GroupLive';

type Props = { params: Promise<{ id: string }> };

async function load(id: string) {
  return UUID.test(id) ? (await query(GroupDocument, { id })).group : null;
}

export async function generateMetadata({ params }: Props) {
  const group = await load(decodeURIComponent((await params).id));
  return { title: group ? group.name : 'Study group not found' };
}

export default async function GroupPage({ params }: Props) {
  const group = await load(decodeURIComponent((await params).id));
  if (!group) notFound();
  return <GroupLive initial={group} />;
}
