import { useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { useMe } from '@/features/auth/api/get-me';
import { errorMessage } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { usePageTitle } from '@/lib/use-page-title';
import { useUsers } from '../api/get-users';
import { UserActions } from './user-actions';
import { UserAddForm } from './user-add-form';

const ROLE_LABEL = { admin: 'Admin', operator: 'Operator' } as const;

export function UsersRoute() {
  usePageTitle('Users');
  const users = useUsers();
  const me = useMe().data?.user.username;
  const [adding, setAdding] = useState(false);
  const addRef = useRef<HTMLButtonElement>(null);
  const closeAdd = () => {
    // The button comes back in place of the form; focus goes back to it.
    flushSync(() => setAdding(false));
    addRef.current?.focus();
  };

  return (
    <section className="page-section" aria-labelledby="users-heading">
      <div className="page-section__header">
        <h1 id="users-heading">Users</h1>
        {!adding && (
          <button ref={addRef} type="button" className="button button--primary" onClick={() => setAdding(true)}>
            Add user
          </button>
        )}
      </div>

      {adding && <UserAddForm onClose={closeAdd} />}

      {users.isPending && (
        <div className="panel admin-placeholder" role="status">
          <span className="spinner" aria-hidden="true" /> Loading users…
        </div>
      )}
      {users.isError && !users.data && (
        <div className="form-error" role="alert">
          Could not load the users: {errorMessage(users.error)}
        </div>
      )}

      {users.data && (
        <div className="admin-table-wrap">
          <table className="admin-table">
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Live sessions</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => {
                const own = user.username === me;
                const enabled = user.disabled_at == null;
                return (
                  <tr key={user.id}>
                    <th scope="row" className="admin-table__key">
                      {user.username}
                      {/* The space keeps "you" a word of its own for screen readers ("alice you", not "aliceyou"). */}
                      {own && (
                        <>
                          {' '}
                          <span className="you-tag">you</span>
                        </>
                      )}
                    </th>
                    <td data-label="Role">{ROLE_LABEL[user.role]}</td>
                    <td data-label="Status">
                      <span className={`badge badge--${enabled ? 'enabled' : 'disabled'}`}>{enabled ? 'Enabled' : 'Disabled'}</span>
                      {!enabled && user.disabled_at != null && <span className="cell-note">since {formatDateTime(user.disabled_at)}</span>}
                    </td>
                    <td data-label="Created">{formatDateTime(user.created_at)}</td>
                    <td data-label="Live sessions">{user.sessions}</td>
                    <td className="admin-table__actions">
                      <UserActions user={user} own={own} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
