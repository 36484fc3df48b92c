/** Admins: the team's accounts, their roles and quotas. */
import { UsersAdmin } from './_components/UsersAdmin';

export const metadata = { title: 'Users' };

export default function UsersPage() {
  return <UsersAdmin />;
}
