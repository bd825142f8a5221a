// Every route of the SPA, in one place. The gateway serves index.html for any non-API path.

import type { RouteObject } from 'react-router';
import { AppLayout } from '@/components/layout/app-layout';
import { LoginRoute } from '@/features/auth/components/login-route';
import { RequireAuth } from '@/features/auth/components/require-auth';
import { DashboardRoute } from '@/features/dashboard/components/dashboard-route';
import { ClientDetailRoute } from '@/features/clients/components/client-detail-route';
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
          { path: 'clients/:id', element: <ClientDetailRoute /> },
          { path: '*', element: <NotFoundRoute /> },
        ],
      },
    ],
  },
];
