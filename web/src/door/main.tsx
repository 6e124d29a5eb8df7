// The light entry a household's door code opens (/h/<token>): plain React, its own few components and
// styles, its own slice of the dictionary — no Ant Design, no router. See web/door.html.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { DoorApp, loadDoorPage, tokenOfPage } from './DoorApp';
import { DoorI18nProvider } from './i18n';
import './door.css';

const root = document.getElementById('root');
if (!root) throw new Error('door.html lacks the #root element');
const token = tokenOfPage();
// The first render waits for the page's data (preloaded, usually here already): one render and one
// paint on a slow phone instead of a spinner first. Until then door.html shows its own spinner.
void loadDoorPage(token).then((first) =>
  createRoot(root).render(
    <StrictMode>
      <DoorI18nProvider>
        <DoorApp token={token} first={first} />
      </DoorI18nProvider>
    </StrictMode>,
  ),
);
