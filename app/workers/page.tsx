/** The trainer workers on every host: what each can train on and what it is training (read-only). */
import { WorkersView } from './WorkersView';

export const metadata = { title: 'Workers' };

export default function WorkersPage() {
  return <WorkersView />;
}
