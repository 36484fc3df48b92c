/** The signed-in user's account: who they are, their limits, their API tokens, their password. */
import { SettingsView } from '../_components/SettingsView';

export const metadata = { title: 'Settings' };

export default function SettingsPage() {
  return <SettingsView />;
}
