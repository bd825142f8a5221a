// The one HTTP client of the SPA: same-origin JSON, CSRF header on state-changing requests,
// problem+json errors turned into ApiError, network failures turned into NetworkError.

import type { components } from './api-schema';
import { setConnectionState } from './connection';

export type FieldError = components['schemas']['FieldError'];

/**
 * RFC 9457 body the gateway sends for every error, with the extra members some problems carry
 * (e.g. `pending_id` of `needs_subnet`).
 */
export type Problem = components['schemas']['Problem'];

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fieldErrors: FieldError[];
  readonly requestId: string | undefined;
  /** Seconds from the Retry-After header (429, 503), if the server sent one. */
  readonly retryAfterSeconds: number | undefined;
  /**
   * The whole problem body, for codes that carry extra members. Partial: an answer that did not come
   * from the gateway (a proxy's error page) has only what the response itself says.
   */
  readonly problem: Partial<Problem>;

  constructor(status: number, problem: Partial<Problem>, retryAfterSeconds?: number) {
    const detail = problem.detail ?? problem.title ?? `Request failed (HTTP ${status}).`;
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code ?? 'unknown';
    this.detail = detail;
    this.fieldErrors = Array.isArray(problem.errors) ? problem.errors : [];
    this.requestId = problem.request_id ?? undefined;
    this.retryAfterSeconds = retryAfterSeconds;
    this.problem = problem;
  }

  /** The config line the problem points at, if any (`errors[0].line`). */
  get line(): number | undefined {
    const line = this.fieldErrors.find((e) => typeof e.line === 'number')?.line;
    return typeof line === 'number' ? line : undefined;
  }
}

export const CONNECTION_LOST_MESSAGE = 'Connection to the gateway lost — retrying…';

/** The request never got an HTTP answer (gateway down, network gone). */
export class NetworkError extends Error {
  constructor(options?: { cause?: unknown }) {
    super(CONNECTION_LOST_MESSAGE, options);
    this.name = 'NetworkError';
  }
}

// The CSRF token lives only in memory: it arrives with the login and /me responses.
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type RequestOptions = {
  method?: Method;
  body?: unknown;
  signal?: AbortSignal;
};

const SAFE_METHODS = new Set<Method>(['GET', 'HEAD']);

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return parseResponse<T>(await sendWithRetry(path, options));
}

/** A request answered with a text body (a file download): the text, or an `ApiError`. */
export async function apiText(path: string, options: RequestOptions = {}): Promise<string> {
  const response = await sendWithRetry(path, options);
  return response.ok ? response.text() : parseResponse<never>(response);
}

async function sendWithRetry(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  let response = await send(path, method, options);
  if (!SAFE_METHODS.has(method) && response.status === 403) {
    const problem = await readProblem(response.clone());
    if (problem.code === 'csrf_failed') {
      // The token went stale (new session, server restart): fetch a fresh one and retry once.
      await refreshCsrfToken(options.signal);
      response = await send(path, method, options);
    }
  }
  return response;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => apiRequest<T>(path, { method: 'GET', signal }),
  post: <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'POST', body }),
  put: <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'PUT', body }),
  patch: <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'PATCH', body }),
  delete: <T>(path: string) => apiRequest<T>(path, { method: 'DELETE' }),
};

/** Cheap reachability probe used while the connection banner is up; any HTTP answer counts. */
export async function probeGateway(): Promise<boolean> {
  try {
    await fetch(resolve('/healthz'), { method: 'GET', credentials: 'same-origin', cache: 'no-store' });
    setConnectionState('online');
    return true;
  } catch {
    setConnectionState('lost');
    return false;
  }
}

async function send(path: string, method: Method, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  // FormData (file uploads) sets its own multipart Content-Type with the boundary.
  const isForm = typeof FormData !== 'undefined' && options.body instanceof FormData;
  if (options.body !== undefined && !isForm) headers['Content-Type'] = 'application/json';
  if (!SAFE_METHODS.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(resolve(path), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : isForm ? (options.body as FormData) : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    setConnectionState('lost');
    throw new NetworkError({ cause: error });
  }
  setConnectionState('online');
  return response;
}

async function refreshCsrfToken(signal?: AbortSignal): Promise<void> {
  const response = await send('/api/auth/me', 'GET', { signal });
  if (!response.ok) return; // the retry will surface the real error
  const body: unknown = await response.json().catch(() => null);
  if (body && typeof body === 'object' && typeof (body as { csrf_token?: unknown }).csrf_token === 'string') {
    csrfToken = (body as { csrf_token: string }).csrf_token;
  }
}

async function parseResponse<T>(response: Response): Promise<T> {
  if (response.ok) {
    if (response.status === 204 || response.status === 205) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  const problem = await readProblem(response);
  throw new ApiError(response.status, problem, parseRetryAfter(response.headers.get('Retry-After')));
}

async function readProblem(response: Response): Promise<Partial<Problem>> {
  try {
    const body: unknown = await response.json();
    if (body && typeof body === 'object') return body as Partial<Problem>;
  } catch {
    // Not JSON (e.g. a proxy's HTML error page): fall through to a generic problem.
  }
  return { status: response.status, title: response.statusText || undefined };
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

// Browsers resolve relative URLs against the page; Node's fetch (unit tests) needs them absolute.
function resolve(path: string): string {
  return new URL(path, window.location.origin).toString();
}
