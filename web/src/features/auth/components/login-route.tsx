import { Fragment } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Logo } from '@/components/layout/logo';
import { PageLoader } from '@/components/layout/page-loader';
import { ConnectionBanner } from '@/components/connection-banner';
import { useToast } from '@/components/toast';
import { usePageTitle } from '@/lib/use-page-title';
import { useMe } from '../api/get-me';
import type { Session } from '../api/session';
import { LoginForm } from './login-form';
import type { LoginRedirectState } from './require-auth';

/** Only same-app paths: never follow a redirect target to another origin. */
function safeTarget(state: unknown): string {
  const from = (state as LoginRedirectState | null)?.from;
  if (typeof from !== 'string' || !from.startsWith('/') || from.startsWith('//') || from.startsWith('/login')) return '/';
  return from;
}

export function LoginRoute() {
  usePageTitle('Sign in');
  const location = useLocation();
  const navigate = useNavigate();
  const toast = useToast();
  const me = useMe();
  const target = safeTarget(location.state);

  if (me.isPending) {
    return (
      <>
        <ConnectionBanner />
        <PageLoader label="Checking your session…" />
      </>
    );
  }
  if (me.data) return <Navigate to={target} replace />;

  const onSuccess = (session: Session) => {
    toast.show({ kind: 'success', message: `Signed in as ${session.user.username}` });
    navigate(target, { replace: true });
  };

  return (
    <div className="login-page">
      <ConnectionBanner />
      <main className="login-card" aria-labelledby="login-title">
        <div className="login-card__brand">
          <Logo size={40} />
          <span className="brand__name brand__name--large">peergate</span>
        </div>
        <h1 id="login-title" className="login-card__title">
          Sign in
        </h1>
        {/* Only what works today: local accounts (no single sign-on, no self-service). */}
        <p className="login-card__subtitle">WireGuard gateway to remote sites</p>
        <LoginForm onSuccess={onSuccess} />
        <p className="login-card__help">
          Sign in with your peergate account. Admins add accounts under Admin → Users; the first admin is created on the
          gateway with <Command text={FIRST_ADMIN_COMMAND} />.
        </p>
      </main>
    </div>
  );
}

const FIRST_ADMIN_COMMAND = 'peergate user add --username NAME --role admin';

/** A command that wraps only between its words (a break after the `-` of `--role` misleads). */
function Command({ text }: { text: string }) {
  const words = text.split(' ');
  return (
    <code>
      {words.map((word, i) => (
        <Fragment key={i}>
          {i > 0 && ' '}
          <span className="login-card__word">{word}</span>
        </Fragment>
      ))}
    </code>
  );
}
