import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadLocale } from './i18n/context';
import { storedLocale } from './i18n/locale';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks the #root element');
const render = () =>
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
// English readers get English from the first paint; if its dictionary cannot load, Chinese.
loadLocale(storedLocale()).then(render, render);
