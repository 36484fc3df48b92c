/** Sign in with email and password (or the team's single sign-on, when configured). */
import { SetupStateDocument } from '../_graphql/generated';
import { query } from '../_lib/server/query';
import { SignInForm } from './_components/SignInForm';

export const metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const next = Array.isArray(sp.next) ? sp.next[0] : sp.next;
  const { setupState } = await query(SetupStateDocument, {});
  return (
    <div className="mx-auto mt-8 max-w-sm">
      <SignInForm next={next ?? '/'} oidcName={setupState.oidcName ?? null} />
    </div>
  );
}
