/** What an operator account can do here: nothing yet, and how an admin changes that. */
export function OperatorHome({ username }: { username: string }) {
  return (
    <div className="page">
      <section className="empty-state" aria-labelledby="operator-heading">
        <h1 id="operator-heading" className="empty-state__title">
          Signed in as {username}, an operator
        </h1>
        <p className="empty-state__text">
          Operator accounts cannot see or change anything on this gateway yet: the clients, their tunnels and the system metrics
          are managed by admins.
        </p>
        <p className="empty-state__text">
          If you need access, ask an admin for an admin account: they create one on the gateway with{' '}
          <code>peergate user add --role admin</code>, or on the Users page of the admin pages. (Neither changes the role of an
          existing account.)
        </p>
      </section>
    </div>
  );
}
