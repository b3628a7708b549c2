import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { preloadPage } from './app/pages.js';
import { startEarlyBoot } from './app/useAppBootstrap.js';

// The page's code and the first API answers download while React and Fluent start.
preloadPage(window.location.pathname);
startEarlyBoot();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
