// Every route of the SPA, in one place. The gateway serves index.html for any non-API path.

import { Navigate, type RouteObject } from 'react-router';
import { AppLayout } from '@/components/layout/app-layout';
import { LoginRoute } from '@/features/auth/components/login-route';
import { RequireAdmin } from '@/features/auth/components/require-admin';
import { RequireAuth } from '@/features/auth/components/require-auth';
import { DashboardRoute } from '@/features/dashboard/components/dashboard-route';
import { ClientDetailRoute } from '@/features/clients/components/client-detail-route';
import { AdminLayout } from '@/features/admin/components/admin-layout';
import { AlertsRoute } from '@/features/admin/components/alerts-route';
import { AuditRoute } from '@/features/admin/components/audit-route';
import { TokensRoute } from '@/features/admin/components/tokens-route';
import { UsersRoute } from '@/features/admin/components/users-route';
import { NotFoundRoute } from './not-found-route';

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginRoute /> },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <AppLayout />,
        children: [
          { index: true, element: <DashboardRoute /> },
          // The client API is admin-only: an operator gets the page saying so, not a page of 403s.
          { element: <RequireAdmin />, children: [{ path: 'clients/:id', element: <ClientDetailRoute /> }] },
          {
            path: 'admin',
            element: <AdminLayout />,
            children: [
              { index: true, element: <Navigate to="/admin/users" replace /> },
              { path: 'users', element: <UsersRoute /> },
              { path: 'tokens', element: <TokensRoute /> },
              { path: 'audit', element: <AuditRoute /> },
              { path: 'alerts', element: <AlertsRoute /> },
            ],
          },
          { path: '*', element: <NotFoundRoute /> },
        ],
      },
    ],
  },
];
