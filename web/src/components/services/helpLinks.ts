import type { RequestKind } from './vocabulary';

/**
 * The follow links of the help asked for from this browser, so the same phone finds them again on
 * the door page. Kept only here: the door page itself lists no requests (any passer-by can open it).
 */
export interface SavedHelpLink {
  followToken: string;
  code: string;
  kind: RequestKind;
  createdAt: string;
}

const KEY = 'gridguard.helpLinks';
const MAX_PER_DOOR = 20;

type Store = Record<string, SavedHelpLink[]>;

function readStore(): Store {
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(KEY) ?? '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Store) : {};
  } catch {
    // Storage disabled (private mode) or a damaged entry: nothing saved.
    return {};
  }
}

export function savedHelpLinks(doorToken: string): SavedHelpLink[] {
  const links = readStore()[doorToken];
  return Array.isArray(links) ? links : [];
}

export function saveHelpLink(doorToken: string, link: SavedHelpLink): void {
  const store = readStore();
  store[doorToken] = [
    link,
    ...savedHelpLinks(doorToken).filter((l) => l.followToken !== link.followToken),
  ].slice(0, MAX_PER_DOOR);
  try {
    window.localStorage.setItem(KEY, JSON.stringify(store));
  } catch {
    // Storage full or disabled: the link is still shown once on the page.
  }
}

export const helpFollowPath = (followToken: string) => `/help/${encodeURIComponent(followToken)}`;
