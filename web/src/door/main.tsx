// The light entry a household's door code opens (/h/<token>): plain React, its own few components and
// styles, its own slice of the dictionary — no Ant Design, no router. See web/door.html.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { DoorApp } from './DoorApp';
import { DoorI18nProvider } from './i18n';
import './door.css';

const root = document.getElementById('root');
if (!root) throw new Error('door.html lacks the #root element');
createRoot(root).render(
  <StrictMode>
    <DoorI18nProvider>
      <DoorApp />
    </DoorI18nProvider>
  </StrictMode>,
);
