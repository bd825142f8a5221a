/** Two sites joined through a gateway. Decorative: the product name is always next to it. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" className="logo__bg" />
      <circle cx="9" cy="16" r="3.5" className="logo__node" />
      <circle cx="23" cy="16" r="3.5" className="logo__node" />
      <path d="M12.5 16h7" className="logo__link" />
      <path d="M16 9v14" className="logo__gate" />
    </svg>
  );
}
