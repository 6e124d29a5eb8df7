import { useEffect, useState } from 'react';

/** Phones get the navigator in a drawer; read synchronously so the first paint is already right. */
export const NARROW_SCREEN = '(max-width: 767px)';

export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const update = () => setMatches(list.matches);
    update();
    list.addEventListener('change', update);
    return () => list.removeEventListener('change', update);
  }, [query]);
  return matches;
}
