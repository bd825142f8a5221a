import { CopyButton } from '@/components/copy-button';

/**
 * A WireGuard key on one line: cut with an ellipsis when the column is narrow (the whole key is in
 * the DOM, in its title and on the clipboard), never broken in the middle.
 */
export function PeerKey({ value, label }: { value: string; label: string }) {
  return (
    <span className="key-copy">
      <span className="mono key" title={value}>
        {value}
      </span>
      <CopyButton text={value} label={label} />
    </span>
  );
}

/** Subnets as a list that wraps only between two addresses ("10.77.0.0/24, 10.78.0.0/24"). */
export function SubnetList({ subnets }: { subnets: string[] }) {
  return (
    <>
      {subnets.map((subnet, index) => (
        <span key={subnet}>
          <span className="cidr">{subnet}</span>
          {index < subnets.length - 1 && ', '}
        </span>
      ))}
    </>
  );
}
