/** The signed-in user's account: who they are, their limits, their API tokens, their password. */
import { MeDocument } from '../_graphql/generated';
import { query } from '../_lib/server/query';
import { SettingsView } from './_components/SettingsView';

export const metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const { me } = await query(MeDocument, {});
  return <SettingsView me={me} />;
}
