import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersRule } from './lint/layers.js';
import { sqlInStoreRule } from './lint/sql-in-store.js';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'bot/dist', '.data', 'appPackage/build', 'test-results', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // Written escapes (\u034F) are intended; only literal combining characters mislead a reader.
      'no-misleading-character-class': ['error', { allowEscape: true }],
    },
  },
  {
    // Imports go down the layers of docs/architecture.md: a back-up import fails the lint (and CI).
    files: ['bot/src/**/*.ts', 'src/**/*.ts', 'src/**/*.tsx'],
    plugins: { warden: { rules: { layers: layersRule, 'sql-in-store': sqlInStoreRule } } },
    rules: { 'warden/layers': 'error', 'warden/sql-in-store': 'error' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
