// npm run package [-- --env dev]: fills the manifest from env/.env.<env>, validates it, zips the app package.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildAppPackage } from '../src/packaging/app-package.js';

const { values } = parseArgs({ options: { env: { type: 'string', default: 'local' } } });
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
buildAppPackage(root, values.env ?? 'local').then(
  ({ zipPath }) => console.log(`wrote ${path.relative(root, zipPath)}`),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
