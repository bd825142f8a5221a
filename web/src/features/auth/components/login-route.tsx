import { Navigate, useLocation, useNavigate } from 'react-router';
import { Logo } from '@/components/layout/logo';
import { PageLoader } from '@/components/layout/page-loader';
import { ConnectionBanner } from '@/components/connection-banner';
import { useToast } from '@/components/toast';
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
        <p className="login-card__subtitle">Site gateway and operator access portal</p>
        <LoginForm onSuccess={onSuccess} />
      </main>
    </div>
  );
}
