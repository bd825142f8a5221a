// Plain sentences for the refusals of the admin API.

import { ApiError } from '@/lib/api';
import { actionErrorMessage } from '@/lib/errors';

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
  return actionErrorMessage(error);
}
