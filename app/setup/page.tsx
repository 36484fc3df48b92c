/** The one-time first-admin page (only while no user exists; the server redirects here until then). */
import { SetupForm } from './_components/SetupForm';

export const metadata = { title: 'Create the first admin' };

export default function SetupPage() {
  return (
    <div className="mx-auto mt-8 max-w-md">
      <SetupForm />
    </div>
  );
}
