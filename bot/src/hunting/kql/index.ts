export type { CompiledQuery, KqlCatalog, KqlResult, KqlRunOptions } from './engine.js';
export { compileKql } from './engine.js';
export { KqlError, KqlLimitError } from './kql-error.js';
export { parseKql } from './parser.js';
export type { Token } from './tokenizer.js';
export { tokenize } from './tokenizer.js';
export type { Column, Row, Value } from './values.js';
export { Timespan } from './values.js';
