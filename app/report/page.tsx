/** The study report rebuilt from the runs in the database, with the published figures beside ours. */
import { ReportView } from '../_components/ReportView';

export const metadata = { title: 'Study report' };

export default function ReportPage() {
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight">Study report</h1>
        <p className="text-sm text-slate-500">
          The study's tables rebuilt from the latest finished run of each preset, with the published figures (grey) beside ours. Accuracies in percent.
        </p>
      </div>
      <ReportView />
    </div>
  );
}
