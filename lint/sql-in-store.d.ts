import type { Rule } from 'eslint';

export const NOT_YET_MOVED: string[];
export const sqlInStoreRule: Rule.RuleModule;
