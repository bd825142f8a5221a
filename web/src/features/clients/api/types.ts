// Shapes of the gateway's client API: aliases of the types generated from web/openapi.json (the
// server's own document), so a change of the API shows up here as a type error.

import type { components } from '@/lib/api-schema';
import type { Problem } from '@/lib/api';

type Schemas = components['schemas'];

export type ClientState = Schemas['ClientState'];

export type ConfWarning = Schemas['StoredWarning'];

export type PingResult = Schemas['PingResult'];

export type ClientStatus = Schemas['ClientStatus'];

export type Client = Schemas['Client'];

/** A client's id (whatever schema the document gives it). */
export type ClientId = Client['id'];

export type SubnetRoutes = Schemas['SubnetRoutes'];

export type Lan = Schemas['Lan'];

export type ClientDetail = Schemas['ClientDetail'];

export type PendingUpload = Schemas['PendingUpload'];

export type TrafficSample = Schemas['TrafficPoint'];

/** Bytes of one UTC day (GET /api/clients/{id}/traffic/daily). */
export type DayTotal = Schemas['DayTotal'];

/** The body of POST /api/clients/pending/{pending_id}/subnet. */
export type PendingSubnet = Schemas['PendingSubnet'];

/** The body of PATCH /api/clients/{id}. */
export type ClientUpdate = Schemas['ClientUpdate'];

/** The answer of GET /api/clients/interface-name?name=. */
export type InterfaceSuggestion = Schemas['InterfaceSuggestion'];

/** The body of POST /api/clients/{id}/export. */
export type ExportRequest = Schemas['ExportRequest'];

/**
 * The 422 `needs_subnet` problem. The OpenAPI document leaves a problem's extra members free-form,
 * so these are written by hand (from the server's `needs_subnet`) and read defensively.
 */
export type NeedsSubnetProblem = Problem & {
  pending_id: string;
  expires_at?: number;
  /** `full_tunnel` or `wide_public_route`. */
  reason?: string;
  lines?: number[];
  warnings?: ConfWarning[];
};

export const clientKeys = {
  all: ['clients'] as const,
  list: () => ['clients', 'list'] as const,
  pending: () => ['clients', 'pending'] as const,
  interfaceName: (name: string) => ['clients', 'interface-name', name] as const,
  detail: (id: ClientId) => ['clients', 'detail', id] as const,
  pings: (id: ClientId) => ['clients', 'pings', id] as const,
  traffic: (id: ClientId) => ['clients', 'traffic', id] as const,
  /** Daily totals of one client, any period (the query adds the number of days). */
  dailyTraffic: (id: ClientId) => ['clients', 'daily', id] as const,
  /** Mutation key of every operation on one client (activate, deactivate, ping, delete). */
  operation: (id: ClientId) => ['clients', 'operation', id] as const,
};

/** "connected" = a handshake younger than WireGuard's REJECT_AFTER_TIME. */
export const CONNECTED_WITHIN_SECS = 180;
