// Plain sentences for the refusals of the admin API, and field errors for the forms.

import { ApiError, NetworkError } from '@/lib/api';
import { errorMessage } from '@/lib/errors';

/** Why an action on `username`'s account (or token) did not happen. */
export function refusalMessage(error: unknown, username: string): string {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'last_admin':
        return `${username} is the last enabled admin. Add or enable another admin first, so that someone can still manage peergate.`;
      case 'own_account':
        return 'You cannot disable or remove your own account. Another admin can do it.';
      case 'user_exists':
        return `There is already a user named ${username}. Choose another name.`;
      case 'user_disabled':
        return `${username} is disabled. Enable the account first, then set its password.`;
      case 'not_found':
        return 'It does not exist any more; the list has been refreshed.';
    }
  }
  if (error instanceof NetworkError) return 'The gateway could not be reached. Try again once the connection is back.';
  return errorMessage(error);
}

/** The server's message for one field of a 422, if it named that field. */
export function fieldMessage(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldErrors.find((e) => e.field === field)?.message : undefined;
}

/** True when every field error of the problem is shown on one of `fields` (so no alert is needed). */
export function onFields(error: unknown, fields: string[]): boolean {
  return error instanceof ApiError && error.fieldErrors.length > 0 && error.fieldErrors.every((e) => fields.includes(e.field));
}
