import { Link } from 'react-router';
import { usePageTitle } from '@/lib/use-page-title';

export function NotFoundRoute() {
  usePageTitle('Page not found');
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/">Back to the dashboard</Link>
      </p>
    </div>
  );
}
