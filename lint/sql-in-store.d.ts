import type { Rule } from 'eslint';

export const sqlInStoreRule: Rule.RuleModule;
