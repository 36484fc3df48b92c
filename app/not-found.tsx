/** HTTP 404: no page, run or dataset at this address. */
import Link from 'next/link';

export const metadata = { title: 'Not found' };

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md py-16 text-center" data-testid="not-found">
      <h1 className="text-xl font-semibold">Nothing at this address</h1>
      <p className="mt-2 text-sm text-slate-600">No page, run or dataset has this address. A run may have been deleted, or the link is incomplete.</p>
      <div className="mt-4 flex justify-center gap-4 text-sm">
        <Link href="/" className="text-sky-800 underline">The runs</Link>
        <Link href="/datasets" className="text-sky-800 underline">The datasets</Link>
      </div>
    </div>
  );
}
