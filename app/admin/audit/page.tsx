/** Admins: the audit trail, filtered by action, person, run and time. */
import { AuditLogView } from './_components/AuditLogView';

export const metadata = { title: 'Audit trail' };

export default function AuditPage() {
  return <AuditLogView />;
}
