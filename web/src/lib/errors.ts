import { ApiError, NetworkError } from './api';

/** One sentence a person can read, for any error the API layer throws. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof NetworkError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}

/** Why an action the user started failed: the server's detail, or that the gateway could not be reached. */
export function actionErrorMessage(error: unknown): string {
  return error instanceof NetworkError ? 'The gateway could not be reached. Try again once the connection is back.' : errorMessage(error);
}

/** The server's message for one field of a 422, if it named that field. */
export function fieldMessage(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldErrors.find((e) => e.field === field)?.message : undefined;
}

/**
 * True when every field error of `error` is shown on one of `fields`: its `detail` ("field:
 * message") would only say the same again, so no alert or toast repeats it.
 */
export function shownOnFields(error: unknown, fields: readonly string[]): boolean {
  return error instanceof ApiError && error.fieldErrors.length > 0 && error.fieldErrors.every((e) => fields.includes(e.field));
}
