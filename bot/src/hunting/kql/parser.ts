import type {
  Expr,
  JoinKey,
  ParsePart,
  LiteralValue,
  JoinKind,
  NamedExpr,
  Operator,
  Query,
  ScalarType,
  SortKey,
  Statement,
  TabularExpr,
} from './ast.js';
import type { SourcePos } from './kql-error.js';
import { errorAt, KqlError } from './kql-error.js';
import type { Token } from './tokenizer.js';
import { tokenize } from './tokenizer.js';

const OPERATORS = [
  'where',
  'filter',
  'project',
  'project-away',
  'project-rename',
  'project-reorder',
  'extend',
  'summarize',
  'mv-expand',
  'mvexpand',
  'order',
  'sort',
  'take',
  'limit',
  'top',
  'distinct',
  'count',
  'join',
  'union',
  'parse',
  'mv-apply',
  'serialize',
  'lookup',
  'evaluate',
  'getschema',
];
/** Most values a datatable literal may list (the query text is bounded too; this keeps the error clear). */
export const MAX_DATATABLE_VALUES = 10_000;
/** Tabular sources that are not table names: `datatable(...)[...]`, `range x from 1 to 10 step 1`, `print x = 1`. */
const SOURCE_WORDS = new Set(['datatable', 'range', 'print']);
const JOIN_KINDS: JoinKind[] = ['innerunique', 'inner', 'leftouter', 'leftanti', 'leftsemi', 'rightanti', 'rightsemi'];
const TYPE_NAMES: Record<string, ScalarType> = {
  string: 'string',
  long: 'long',
  int: 'long',
  real: 'real',
  double: 'real',
  decimal: 'real',
  bool: 'bool',
  boolean: 'bool',
  datetime: 'datetime',
  date: 'datetime',
  timespan: 'timespan',
  time: 'timespan',
  dynamic: 'dynamic',
  guid: 'string',
};
/** Word operators that can be negated with a leading `!`. */
const NEGATABLE = new Set([
  'has',
  'has_cs',
  'contains',
  'contains_cs',
  'startswith',
  'startswith_cs',
  'endswith',
  'endswith_cs',
  'in',
  'in~',
  'between',
  'hasprefix',
  'hassuffix',
]);
const WORD_OPERATORS = new Set([...NEGATABLE, 'matches', 'has_any', 'has_all']);

/**
 * Parses KQL text into a Query. `tableNames` tells a tabular `let` (`let T = AIAgentsInfo | ...`)
 * from a scalar one (`let cutoff = ago(30d)`).
 */
export function parseKql(text: string, tableNames: Iterable<string>): Query {
  const query = new Parser(tokenize(text), new Set(tableNames)).query();
  checkTreeDepth(query);
  return query;
}

/**
 * How deep the syntax tree may be. Chains the parser reads in a loop (`1+1+...`, `a and b and ...`, `x.a.b...`)
 * nest without parentheses; compiling and evaluating recurse over the tree, so it is measured once, without
 * recursion, before either runs.
 */
export const MAX_TREE_DEPTH = 256;

function checkTreeDepth(root: Query): void {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value !== 'object' || value === null || value instanceof Date) continue;
    const node = value as { pos?: SourcePos; kind?: unknown };
    // Only syntax nodes (they have a position) count; the parsed JSON of a dynamic literal is data.
    const isNode = node.pos !== undefined && !Array.isArray(value);
    const next = isNode ? depth + 1 : depth;
    if (next > MAX_TREE_DEPTH) {
      throw errorAt(node.pos as SourcePos, `the query's expressions nest deeper than ${MAX_TREE_DEPTH} levels`);
    }
    if (node.kind === 'literal') continue;
    for (const child of Object.values(value)) {
      if (child !== node.pos) stack.push({ value: child, depth: next });
    }
  }
}

/**
 * How deep parentheses, sub-queries, unary signs and dynamic literals may nest. Microsoft's published queries
 * nest a handful of levels; 3,000 parentheses overflowed the stack (a 500) before this limit.
 */
export const MAX_NESTING = 64;

class Parser {
  private i = 0;
  private depth = 0;
  private readonly tabularNames: Set<string>;

  constructor(
    private readonly tokens: Token[],
    tables: Set<string>,
  ) {
    this.tabularNames = new Set(tables);
  }

  query(): Query {
    const lets: Statement[] = [];
    let body: TabularExpr | null = null;
    while (!this.at('eof')) {
      if (this.isWord('let')) {
        lets.push(this.letStatement());
      } else {
        if (body) throw errorAt(this.peek(), 'only one query may follow the let statements');
        body = this.tabular();
      }
      if (this.isPunct(';')) {
        this.next();
        continue;
      }
      if (!this.at('eof')) throw this.unexpected("';' or the end of the query");
    }
    if (!body) throw errorAt(this.peek(), 'the query has no tabular expression (only let statements)');
    return { lets, body };
  }

  private letStatement(): Statement {
    const letTok = this.next();
    const nameTok = this.expectIdent('a name after let');
    this.expectPunct('=');
    if (this.startsTabular()) {
      const query = this.tabular();
      this.tabularNames.add(nameTok.text);
      return { kind: 'let-tabular', pos: letTok, name: nameTok.text, query };
    }
    return { kind: 'let-scalar', pos: letTok, name: nameTok.text, expr: this.expr() };
  }

  private startsTabular(): boolean {
    const t = this.peek();
    if (t.kind === 'ident' && (this.tabularNames.has(t.text) || t.text === 'materialize')) return true;
    if (t.kind === 'ident' && this.isSourceWord(0)) return true;
    if (t.kind === 'punct' && t.text === '(') {
      const n = this.peek(1);
      return n.kind === 'ident' && this.tabularNames.has(n.text) && this.peek(2).text !== '(';
    }
    return false;
  }

  tabular(): TabularExpr {
    return this.nested(() => this.tabularUnnested());
  }

  private tabularUnnested(): TabularExpr {
    const start = this.peek();
    let source: TabularExpr['source'];
    if (this.isPunct('(')) {
      this.next();
      source = { kind: 'sub', query: this.tabular() };
      this.expectPunct(')');
    } else if (this.isSourceWord(0)) {
      source = this.sourceLiteral();
    } else if (this.isWord('materialize') && this.peek(1).text === '(') {
      this.next();
      this.next();
      source = { kind: 'sub', query: this.tabular() };
      this.expectPunct(')');
    } else {
      const name = this.expectIdent('a table name');
      if (!this.tabularNames.has(name.text)) {
        throw errorAt(name, `unknown table '${name.text}' (known: ${[...this.tabularNames].join(', ')})`);
      }
      source = { kind: 'name', pos: name, name: name.text };
    }
    const operators: Operator[] = [];
    while (this.isPunct('|')) {
      this.next();
      operators.push(this.operator());
    }
    return { pos: start, source, operators };
  }

  private operator(): Operator {
    const t = this.peek();
    if (t.kind !== 'ident') throw this.unexpected('an operator name');
    const word = t.text.toLowerCase();
    if (!OPERATORS.includes(word)) throw errorAt(t, `unknown operator '${t.text}'`);
    this.next();
    switch (word) {
      case 'where':
      case 'filter':
        return { kind: 'where', pos: t, predicate: this.expr() };
      case 'project':
        return { kind: 'project', pos: t, columns: this.namedList() };
      case 'extend':
        return { kind: 'extend', pos: t, columns: this.namedList() };
      case 'project-away':
        return { kind: 'project-away', pos: t, names: this.columnPatterns() };
      case 'project-reorder':
        return {
          kind: 'project-reorder',
          pos: t,
          names: this.columnPatterns(['asc', 'desc', 'granny-asc', 'granny-desc']),
        };
      case 'project-rename': {
        const renames: { pos: SourcePos; to: string; from: string }[] = [];
        do {
          const to = this.expectIdent('the new column name');
          this.expectPunct('=');
          const from = this.expectIdent('the column to rename');
          renames.push({ pos: to, to: to.text, from: from.text });
        } while (this.eatPunct(','));
        return { kind: 'project-rename', pos: t, renames };
      }
      case 'summarize': {
        const aggregates = this.isWord('by') ? [] : this.namedList();
        let by: NamedExpr[] = [];
        if (this.isWord('by')) {
          this.next();
          by = this.namedList();
        }
        if (aggregates.length === 0 && by.length === 0) throw this.unexpected('an aggregation or by');
        return { kind: 'summarize', pos: t, aggregates, by };
      }
      case 'mv-expand':
      case 'mvexpand': // the older spelling, still in many saved queries
        return this.mvExpand(t);
      case 'mv-apply':
        return this.mvApply(t);
      case 'getschema':
        return { kind: 'getschema', pos: t };
      case 'parse':
        return this.parseOperator(t);
      case 'serialize':
        return { kind: 'serialize', pos: t, columns: this.isOperatorEnd() ? [] : this.namedList() };
      case 'lookup': {
        let joinKind: 'leftouter' | 'inner' = 'leftouter';
        if (this.isWord('kind') && this.peek(1).text === '=') {
          this.next();
          this.next();
          const k = this.expectIdent('leftouter or inner');
          if (k.text !== 'leftouter' && k.text !== 'inner')
            throw errorAt(k, `lookup kind '${k.text}' is not supported (leftouter, inner)`);
          joinKind = k.text;
        }
        const right = this.tableArgument();
        this.expectWord('on');
        return { kind: 'lookup', pos: t, joinKind, right, on: this.joinKeys() };
      }
      case 'evaluate': {
        while (this.peek().kind === 'ident' && this.peek(1).text === '=' && this.peek(1).kind === 'punct') {
          const opt = this.next();
          if (!opt.text.startsWith('hint.')) throw errorAt(opt, `unknown evaluate option '${opt.text}'`);
          this.next();
          this.next();
        }
        const plugin = this.expectIdent('a plugin name');
        if (plugin.text !== 'bag_unpack')
          throw errorAt(plugin, `evaluate ${plugin.text}() is not supported (bag_unpack is)`);
        this.expectPunct('(');
        const args: Expr[] = [];
        if (!this.isPunct(')')) {
          do {
            args.push(this.expr());
          } while (this.eatPunct(','));
        }
        this.expectPunct(')');
        if (args.length < 1 || args.length > 2)
          throw errorAt(plugin, 'bag_unpack() takes a column and an optional prefix');
        return { kind: 'evaluate', pos: t, plugin: plugin.text, args };
      }
      case 'order':
      case 'sort': {
        this.expectWord('by');
        const keys: SortKey[] = [];
        do {
          keys.push(this.sortKey());
        } while (this.eatPunct(','));
        return { kind: 'order', pos: t, keys };
      }
      case 'take':
      case 'limit':
        return { kind: 'take', pos: t, count: this.expr() };
      case 'top': {
        const count = this.expr();
        this.expectWord('by');
        return { kind: 'top', pos: t, count, key: this.sortKey() };
      }
      case 'distinct':
        if (this.isPunct('*')) {
          this.next();
          return { kind: 'distinct', pos: t, columns: '*' };
        }
        return { kind: 'distinct', pos: t, columns: this.namedList() };
      case 'count':
        return { kind: 'count', pos: t };
      case 'join':
        return this.join(t);
      case 'union': {
        while (this.peek().kind === 'ident' && this.peek(1).text === '=' && this.peek(1).kind === 'punct') {
          const opt = this.next();
          if (opt.text !== 'kind') throw errorAt(opt, `union option '${opt.text}' is not supported`);
          this.next();
          const value = this.expectIdent('outer or inner');
          if (value.text !== 'outer') throw errorAt(value, `union kind '${value.text}' is not supported (outer is)`);
        }
        const tables: TabularExpr[] = [];
        do {
          tables.push(this.tableArgument());
        } while (this.eatPunct(','));
        return { kind: 'union', pos: t, tables };
      }
      default:
        throw errorAt(t, `unknown operator '${t.text}'`);
    }
  }

  private mvExpand(t: Token): Operator {
    if (this.isWord('kind') && this.peek(1).text === '=') {
      this.next();
      this.next();
      const k = this.expectIdent('bag or array');
      if (k.text !== 'bag') throw errorAt(k, `mv-expand kind '${k.text}' is not supported (bag is)`);
    }
    return { kind: 'mv-expand', pos: t, items: this.expandItems() };
  }

  private expandItems(): { pos: SourcePos; name: string | null; expr: Expr; toType: ScalarType | null }[] {
    const items: { pos: SourcePos; name: string | null; expr: Expr; toType: ScalarType | null }[] = [];
    do {
      const start = this.peek();
      const named = this.namedExpr();
      let toType: ScalarType | null = null;
      if (this.isWord('to')) {
        this.next();
        this.expectWord('typeof');
        this.expectPunct('(');
        toType = this.typeName();
        this.expectPunct(')');
      }
      items.push({ pos: start, name: named.name, expr: named.expr, toType });
    } while (this.eatPunct(','));
    return items;
  }

  private typeName(): ScalarType {
    const typeTok = this.expectIdent('a type name');
    const type = TYPE_NAMES[typeTok.text.toLowerCase()];
    if (!type) throw errorAt(typeTok, `unknown type '${typeTok.text}'`);
    return type;
  }

  /** `mv-apply Name = Expr [to typeof(T)] on (operators)`: the subquery reads the row's expanded values. */
  private mvApply(t: Token): Operator {
    const items = this.expandItems();
    this.expectWord('on');
    const open = this.expectPunct('(');
    const sub = this.nested(() => {
      const operators: Operator[] = [];
      if (!this.isPunct(')')) {
        operators.push(this.operator());
        while (this.eatPunct('|')) operators.push(this.operator());
      }
      return { pos: open, source: { kind: 'input' as const, pos: open }, operators };
    });
    this.expectPunct(')');
    return { kind: 'mv-apply', pos: t, items, sub };
  }

  /** `parse [kind=simple] Expr with * "literal" Name:type "literal" *`. */
  private parseOperator(t: Token): Operator {
    if (this.isWord('kind') && this.peek(1).text === '=') {
      this.next();
      this.next();
      const k = this.expectIdent('simple');
      if (k.text !== 'simple') throw errorAt(k, `parse kind '${k.text}' is not supported (simple is)`);
    }
    const expr = this.expr();
    this.expectWord('with');
    const parts: ParsePart[] = [];
    while (!this.isOperatorEnd()) {
      const p = this.peek();
      if (p.kind === 'string') {
        this.next();
        parts.push({ kind: 'literal', pos: p, text: p.text });
      } else if (this.isPunct('*')) {
        this.next();
        parts.push({ kind: 'star', pos: p });
      } else if (p.kind === 'ident') {
        this.next();
        let type: ScalarType = 'string';
        if (this.eatPunct(':')) type = this.typeName();
        parts.push({ kind: 'column', pos: p, name: p.text, type });
      } else {
        throw this.unexpected('a "literal", * or Column:type in the parse pattern');
      }
      if (this.isPunct(',')) this.next();
    }
    if (!parts.some((p) => p.kind === 'column')) throw errorAt(t, 'the parse pattern names no column');
    return { kind: 'parse', pos: t, expr, parts };
  }

  private isOperatorEnd(): boolean {
    return this.at('eof') || this.isPunct('|') || this.isPunct(';') || this.isPunct(')');
  }

  private isSourceWord(ahead: number): boolean {
    const t = this.peek(ahead);
    if (t.kind !== 'ident' || !SOURCE_WORDS.has(t.text) || this.tabularNames.has(t.text)) return false;
    const n = this.peek(ahead + 1);
    if (t.text === 'datatable') return n.text === '(';
    if (t.text === 'range') return n.kind === 'ident' && this.peek(ahead + 2).text === 'from';
    return true; // print
  }

  /** datatable(Name:type, ...)[values], range Name from A to B step C, print Name = expr, ... */
  private sourceLiteral(): TabularExpr['source'] {
    const t = this.next();
    if (t.text === 'range') {
      const name = this.expectIdent('the column name');
      this.expectWord('from');
      const from = this.additive();
      this.expectWord('to');
      const to = this.additive();
      this.expectWord('step');
      const step = this.additive();
      return { kind: 'range', pos: t, name: name.text, from, to, step };
    }
    if (t.text === 'print') return { kind: 'print', pos: t, columns: this.namedList() };
    this.expectPunct('(');
    const columns: { name: string; type: ScalarType }[] = [];
    do {
      const name = this.expectIdent('a column name');
      this.expectPunct(':');
      columns.push({ name: name.text, type: this.typeName() });
    } while (this.eatPunct(','));
    this.expectPunct(')');
    this.expectPunct('[');
    const values: Expr[] = [];
    if (!this.isPunct(']')) {
      do {
        if (values.length >= MAX_DATATABLE_VALUES) {
          throw errorAt(this.peek(), `a datatable may list at most ${MAX_DATATABLE_VALUES} values`);
        }
        values.push(this.expr());
      } while (this.eatPunct(','));
    }
    this.expectPunct(']');
    if (values.length % columns.length !== 0) {
      throw errorAt(t, `the datatable lists ${values.length} values for ${columns.length} columns`);
    }
    return { kind: 'datatable', pos: t, columns, values };
  }

  private join(t: Token): Operator {
    let joinKind: JoinKind = 'innerunique';
    while (this.peek().kind === 'ident' && this.peek(1).kind === 'punct' && this.peek(1).text === '=') {
      const opt = this.next();
      this.next();
      const value = this.next();
      if (opt.text === 'kind') {
        if (!JOIN_KINDS.includes(value.text as JoinKind)) {
          throw errorAt(value, `unknown join kind '${value.text}' (known: ${JOIN_KINDS.join(', ')})`);
        }
        joinKind = value.text as JoinKind;
      } else if (!opt.text.startsWith('hint.')) {
        // hint.strategy=... and friends are accepted and ignored; anything else is a mistake.
        throw errorAt(opt, `unknown join option '${opt.text}'`);
      }
    }
    const right = this.tableArgument();
    this.expectWord('on');
    return { kind: 'join', pos: t, joinKind, right, on: this.joinKeys() };
  }

  private joinKeys(): JoinKey[] {
    const on: JoinKey[] = [];
    do {
      const start = this.peek();
      const first = this.primary();
      if (first.kind === 'column') {
        on.push({ pos: start, left: first.name, right: first.name });
        continue;
      }
      if (first.kind !== 'side') throw errorAt(start, 'a join key is a column name or $left.Column == $right.Column');
      this.expectPunct('==');
      const second = this.primary();
      if (second.kind !== 'side' || second.side === first.side) {
        throw errorAt(second.pos, `expected $${first.side === 'left' ? 'right' : 'left'}.Column`);
      }
      const left = first.side === 'left' ? first.name : second.name;
      const rightName = first.side === 'left' ? second.name : first.name;
      on.push({ pos: start, left, right: rightName });
    } while (this.eatPunct(','));
    return on;
  }

  /** The table of a join or union: a name, or a parenthesised query; a following `|` belongs to the outer query. */
  private tableArgument(): TabularExpr {
    const start = this.peek();
    if (this.isPunct('(')) {
      this.next();
      const query = this.tabular();
      this.expectPunct(')');
      return { pos: start, source: { kind: 'sub', query }, operators: [] };
    }
    const name = this.expectIdent('a table name or a (query)');
    if (!this.tabularNames.has(name.text)) {
      throw errorAt(name, `unknown table '${name.text}' (known: ${[...this.tabularNames].join(', ')})`);
    }
    return { pos: start, source: { kind: 'name', pos: name, name: name.text }, operators: [] };
  }

  private sortKey(): SortKey {
    const expr = this.expr();
    let descending = true;
    if (this.isWord('asc')) {
      this.next();
      descending = false;
    } else if (this.isWord('desc')) {
      this.next();
    }
    let nullsFirst = !descending;
    if (this.isWord('nulls')) {
      this.next();
      const w = this.expectIdent('first or last');
      if (w.text !== 'first' && w.text !== 'last') throw errorAt(w, "expected 'first' or 'last'");
      nullsFirst = w.text === 'first';
    }
    return { expr, descending, nullsFirst };
  }

  /** A column name in project-away, possibly with `*` wildcards written without spaces (`Agent*`). */
  /** `A, B*, C`; `orders` are words that may follow a name (project-reorder's asc/desc: the order is kept as written). */
  private columnPatterns(orders: string[] = []): { pos: SourcePos; pattern: string }[] {
    const names: { pos: SourcePos; pattern: string }[] = [];
    do {
      names.push(this.columnPattern());
      if (orders.some((o) => this.isWord(o))) {
        throw errorAt(
          this.peek(),
          `project-reorder by ${this.peek().text} is not supported; list the columns in order`,
        );
      }
    } while (this.eatPunct(','));
    return names;
  }

  private columnPattern(): { pos: SourcePos; pattern: string } {
    const start = this.peek();
    let pattern = '';
    let end = -1;
    while ((this.peek().kind === 'ident' || this.isPunct('*')) && (end < 0 || this.peek().offset === end)) {
      const t = this.next();
      pattern += t.text;
      end = t.offset + t.text.length;
    }
    if (!pattern) throw this.unexpected('a column name');
    return { pos: start, pattern };
  }

  private namedList(): NamedExpr[] {
    const list: NamedExpr[] = [];
    do {
      list.push(this.namedExpr());
    } while (this.eatPunct(','));
    return list;
  }

  private namedExpr(): NamedExpr {
    const start = this.peek();
    if (start.kind === 'ident' && this.peek(1).kind === 'punct' && this.peek(1).text === '=') {
      this.next();
      this.next();
      return { pos: start, name: start.text, expr: this.expr() };
    }
    return { pos: start, name: null, expr: this.expr() };
  }

  // Expressions, lowest precedence first.
  expr(): Expr {
    return this.nested(() => this.or());
  }

  /** Runs a rule that may recurse, refusing (400 with the place) past MAX_NESTING levels. */
  private nested<T>(rule: () => T): T {
    if (this.depth >= MAX_NESTING) {
      throw errorAt(this.peek(), `the query nests deeper than ${MAX_NESTING} levels`);
    }
    this.depth += 1;
    try {
      return rule();
    } finally {
      this.depth -= 1;
    }
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord('or')) {
      const op = this.next();
      left = { kind: 'binary', pos: op, op: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.comparison();
    while (this.isWord('and')) {
      const op = this.next();
      left = { kind: 'binary', pos: op, op: 'and', left, right: this.comparison() };
    }
    return left;
  }

  private comparison(): Expr {
    let left = this.additive();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'punct' && ['==', '!=', '=~', '!~', '<', '<=', '>', '>='].includes(t.text)) {
        this.next();
        left = { kind: 'binary', pos: t, op: t.text, left, right: this.additive() };
        continue;
      }
      let negated = false;
      let wordTok = t;
      if (t.kind === 'punct' && t.text === '!' && this.peek(1).kind === 'ident' && NEGATABLE.has(this.peek(1).text)) {
        negated = true;
        wordTok = this.peek(1);
      } else if (!(t.kind === 'ident' && WORD_OPERATORS.has(t.text))) {
        return left;
      }
      this.next();
      if (negated) this.next();
      let word = wordTok.text;
      if (word === 'matches') {
        this.expectWord('regex');
        left = { kind: 'binary', pos: t, op: 'matches regex', left, right: this.additive() };
        continue;
      }
      if (word === 'in' || word === 'has_any' || word === 'has_all') {
        if (word === 'in' && this.isPunct('~')) {
          this.next();
          word = 'in~';
        }
        this.expectPunct('(');
        const list: Expr[] = [];
        if (!this.isPunct(')')) {
          do {
            list.push(this.expr());
          } while (this.eatPunct(','));
        }
        this.expectPunct(')');
        const op = (negated ? `!${word}` : word) as 'in' | '!in' | 'in~' | '!in~' | 'has_any' | 'has_all';
        left = { kind: 'in', pos: t, op, left, list };
        continue;
      }
      if (word === 'between') {
        this.expectPunct('(');
        const low = this.additive();
        this.expectPunct('..');
        const high = this.additive();
        this.expectPunct(')');
        left = { kind: 'between', pos: t, negated, left, low, high };
        continue;
      }
      left = { kind: 'binary', pos: t, op: negated ? `!${word}` : word, left, right: this.additive() };
    }
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isPunct('+') || this.isPunct('-')) {
      const op = this.next();
      left = { kind: 'binary', pos: op, op: op.text, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.isPunct('*') || this.isPunct('/') || this.isPunct('%')) {
      const op = this.next();
      left = { kind: 'binary', pos: op, op: op.text, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isPunct('-') || this.isPunct('+')) {
      const op = this.next();
      return { kind: 'unary', pos: op, op: op.text as '-' | '+', operand: this.nested(() => this.unary()) };
    }
    return this.postfix(this.primary());
  }

  private postfix(expr: Expr): Expr {
    for (;;) {
      if (this.isPunct('.')) {
        const dot = this.next();
        const name = this.peek();
        if (name.kind !== 'ident' && name.kind !== 'string') throw this.unexpected('a property name after "."');
        this.next();
        expr = { kind: 'member', pos: dot, target: expr, name: name.text };
        continue;
      }
      if (this.isPunct('[')) {
        const open = this.next();
        const index = this.expr();
        this.expectPunct(']');
        expr = { kind: 'index', pos: open, target: expr, index };
        continue;
      }
      return expr;
    }
  }

  private primary(): Expr {
    const t = this.peek();
    if (t.kind === 'number') {
      this.next();
      const isReal = /[.eE]/.test(t.text);
      return { kind: 'literal', pos: t, value: t.value ?? 0, type: isReal ? 'real' : 'long' };
    }
    if (t.kind === 'string') {
      this.next();
      return { kind: 'literal', pos: t, value: t.text, type: 'string' };
    }
    if (t.kind === 'timespan') {
      this.next();
      return { kind: 'literal', pos: t, value: { timespanMs: t.value ?? 0 }, type: 'timespan' };
    }
    if (t.kind === 'punct' && t.text === '(') {
      this.next();
      const inner = this.expr();
      this.expectPunct(')');
      return inner;
    }
    if (t.kind === 'punct' && t.text === '[') {
      // ['Column name']
      this.next();
      const name = this.peek();
      if (name.kind !== 'string') throw this.unexpected("a quoted column name in ['...']");
      this.next();
      this.expectPunct(']');
      return { kind: 'column', pos: t, name: name.text };
    }
    if (t.kind !== 'ident') throw this.unexpected('an expression');
    this.next();
    if (t.text === 'true' || t.text === 'false') {
      return { kind: 'literal', pos: t, value: t.text === 'true', type: 'bool' };
    }
    if ((t.text === '$left' || t.text === '$right') && this.isPunct('.')) {
      this.next();
      const name = this.expectIdent('a column name');
      return { kind: 'side', pos: t, side: t.text === '$left' ? 'left' : 'right', name: name.text };
    }
    if (this.isPunct('(')) {
      if (t.text === 'dynamic') return this.dynamicLiteral(t);
      if (t.text === 'toscalar') {
        this.next();
        const query = this.tabular();
        this.expectPunct(')');
        return { kind: 'toscalar', pos: t, query };
      }
      if (t.text === 'datetime') {
        this.next();
        const raw = this.peek();
        // datetime(null): the typed null (the tokenizer reads datetime(...)'s inside as one string).
        if (raw.text.trim() === 'null') {
          this.next();
          this.expectPunct(')');
          return { kind: 'literal', pos: t, value: null, type: 'datetime' };
        }
        if (raw.kind !== 'string') throw this.unexpected('a date and time');
        this.next();
        this.expectPunct(')');
        const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(raw.text) ? `${raw.text}T00:00:00Z` : raw.text);
        if (Number.isNaN(ms)) throw errorAt(raw, `'${raw.text}' is not a date and time`);
        return { kind: 'literal', pos: t, value: new Date(ms), type: 'datetime' };
      }
      this.next();
      const args: Expr[] = [];
      let star = false;
      if (!this.isPunct(')')) {
        do {
          if (this.isPunct('*') && (this.peek(1).text === ')' || this.peek(1).text === ',')) {
            this.next();
            star = true;
            continue;
          }
          args.push(this.expr());
        } while (this.eatPunct(','));
      }
      this.expectPunct(')');
      return { kind: 'call', pos: t, name: t.text, args, ...(star ? { star } : {}) };
    }
    return { kind: 'column', pos: t, name: t.text };
  }

  /** dynamic([...]) / dynamic({...}) / dynamic(null) / dynamic("text"). */
  private dynamicLiteral(t: Token): Expr {
    this.expectPunct('(');
    const value = this.jsonValue();
    this.expectPunct(')');
    return { kind: 'literal', pos: t, value: value as LiteralValue, type: 'dynamic' };
  }

  private jsonValue(): unknown {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '[') {
      this.next();
      const out: unknown[] = [];
      if (!this.isPunct(']')) {
        do {
          out.push(this.nested(() => this.jsonValue()));
        } while (this.eatPunct(','));
      }
      this.expectPunct(']');
      return out;
    }
    if (t.kind === 'punct' && t.text === '{') {
      this.next();
      const out: Record<string, unknown> = {};
      if (!this.isPunct('}')) {
        do {
          const key = this.next();
          if (key.kind !== 'string' && key.kind !== 'ident') throw errorAt(key, 'expected a property name');
          this.expectPunct(':');
          out[key.text] = this.nested(() => this.jsonValue());
        } while (this.eatPunct(','));
      }
      this.expectPunct('}');
      return out;
    }
    if (t.kind === 'punct' && t.text === '-' && this.peek(1).kind === 'number') {
      this.next();
      return -(this.next().value ?? 0);
    }
    this.next();
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return t.value;
    if (t.kind === 'ident' && (t.text === 'true' || t.text === 'false')) return t.text === 'true';
    if (t.kind === 'ident' && t.text === 'null') return null;
    throw errorAt(t, `unexpected '${t.text}' in a dynamic literal`);
  }

  // Token helpers.
  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)] as Token;
  }
  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i += 1;
    return t;
  }
  private at(kind: Token['kind']): boolean {
    return this.peek().kind === kind;
  }
  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }
  private isWord(text: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text === text;
  }
  private eatPunct(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.next();
    return true;
  }
  private expectPunct(text: string): Token {
    if (!this.isPunct(text)) throw this.unexpected(`'${text}'`);
    return this.next();
  }
  private expectWord(text: string): Token {
    if (!this.isWord(text)) throw this.unexpected(`'${text}'`);
    return this.next();
  }
  private expectIdent(what: string): Token {
    if (!this.at('ident')) throw this.unexpected(what);
    return this.next();
  }
  private unexpected(expected: string): KqlError {
    const t = this.peek();
    const found = t.kind === 'eof' ? 'the end of the query' : t.kind === 'string' ? `"${t.text}"` : `'${t.text}'`;
    return errorAt(t, `expected ${expected}, found ${found}`);
  }
}
