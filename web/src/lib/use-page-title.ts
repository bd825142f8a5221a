import { useEffect } from 'react';

/** Sets `document.title` to "<title> · peergate" while the page is shown, and puts the old one back. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    const previous = document.title;
    document.title = `${title} · peergate`;
    return () => {
      document.title = previous;
    };
  }, [title]);
}
