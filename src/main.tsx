import { preloadPage } from './app/pages.js';
import { startEarlyBoot } from './app/useAppBootstrap.js';

// The page's code and the first API answers (sign-in, the registry's first page) are asked for first, and
// download while the browser fetches and compiles React, Fluent and the shell (app/mount.tsx, its own chunk):
// with the shell imported here, nothing left before all of it had been evaluated.
preloadPage(window.location.pathname);
startEarlyBoot();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
import('./app/mount.js').then(
  ({ mount }) => mount(container),
  () => {
    // The server went away between the page and its code: say so rather than leave a blank page.
    const notice = document.createElement('p');
    notice.setAttribute('role', 'alert');
    notice.style.cssText = 'font: 14px system-ui, sans-serif; margin: 24px;';
    notice.textContent = 'Agent Warden could not load. Check the connection and reload the tab.';
    container.replaceChildren(notice);
  },
);
