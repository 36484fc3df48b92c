/**
 * The way to the study: reproducing M0–M3b is its own form (/launch/study) with a preview of the
 * twelve runs and their estimated time, and a confirmation step — not a field inside this form.
 */
import Link from 'next/link';
import { Card, buttonClass } from '../../_components/ui';

export function StudyCard({ dataset }: { dataset: string }) {
  return (
    <Card title="Reproduce the study">
      <p className="text-sm text-slate-700">Queue M0, M1a–M1h, M2, M3a and M3b on one dataset as a study group: a separate form previews the twelve runs and their time before anything is queued.</p>
      <Link href={`/launch/study${dataset ? `?dataset=${encodeURIComponent(dataset)}` : ''}`} className={`${buttonClass.secondary} mt-3 w-full`} data-testid="study-link">
        Open the study form
      </Link>
    </Card>
  );
}
