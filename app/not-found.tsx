/** 404 page. */
import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-sm text-slate-500">There is nothing at this address.</p>
      <Link href="/" className="mt-4 inline-block text-sky-800 underline">Back to the runs</Link>
    </div>
  );
}
