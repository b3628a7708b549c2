// One copy of each value a query thread decodes again and again. JSON.parse and a UTF-8 decode make a new string for
// every cell: a tool's name, a connector's id, a topic's trigger phrase, a maker's UPN repeat across thousands of
// agents, and AIAgentsInfo and AgentsInfo hold the same instructions, descriptions and times. At 100,000 agents the
// columns a thread decodes took 945 MB, and 467 MB through the pool (measured on the bench's tenant), in about the
// same time. A column whose values do not repeat (ids) stops being looked up after a sample.
import { isObject } from '../kql/values.js';
import type { Value } from '../kql/values.js';

/**
 * Values held at most, the characters of the strings held, and the longest string held (a longer one is left as it
 * is). They bound what the pool holds that no column does: a column let go while others are read leaves its strings
 * here until the pool is emptied. The bench's tenant at 100,000 agents pools about a million strings of 30 million
 * characters.
 */
const MAX_ENTRIES = 2_000_000;
const MAX_CHARS = 128 * 1024 * 1024;
const MAX_STRING = 4096;
/**
 * Strings of a parsed value this long or shorter are not looked up: JSON.parse already makes them unique (V8 holds
 * short string values once, as it does keys). Looked up, they took as long as the parse itself and saved nothing:
 * the decoded columns of the bench's tenant took 10.9 s and 508 MB through the pool, 8.6-9.3 s and 508 MB without
 * them, 8.3-8.8 s and 944 MB without a pool.
 */
const MIN_JSON_STRING = 10;
/** Depth of a dynamic value walked; deeper parts are left as they are. */
const MAX_DEPTH = 32;
/** Lookups of a column before it is judged, and the share of them that must find a copy for it to go on. */
const SAMPLE = 4096;
const MIN_FOUND = 1 / 8;

/**
 * The copies a thread holds while it decodes: made empty again once it has nothing left to decode (`clear`), so
 * it holds no value of a table version it let go. Only values never changed after they are decoded are pooled:
 * the engine treats a table's values as read-only (every query of a version shares them already).
 */
export class StringPool {
  private strings = new Map<string, string>();
  private dates = new Map<number, Date>();
  private chars = 0;

  /** A pooling of one column's values, which stops once the column shows it does not repeat. */
  column(): ColumnPool {
    return new ColumnPool(this);
  }

  /** `s`, or the copy held; undefined when `s` is new (and then held, while there is room). */
  held(s: string): string | undefined {
    const copy = this.strings.get(s);
    if (copy === undefined && s.length <= MAX_STRING && this.strings.size < MAX_ENTRIES && this.chars < MAX_CHARS) {
      this.strings.set(s, s);
      this.chars += s.length;
    }
    return copy;
  }

  /** The Date of `time` held, or a new one (then held, while there is room); `found` tells which. */
  heldDate(time: number): { date: Date; found: boolean } {
    const copy = this.dates.get(time);
    if (copy !== undefined) return { date: copy, found: true };
    const date = new Date(time);
    if (this.dates.size < MAX_ENTRIES) this.dates.set(time, date);
    return { date, found: false };
  }

  get size(): number {
    return this.strings.size + this.dates.size;
  }

  clear(): void {
    this.strings = new Map();
    this.dates = new Map();
    this.chars = 0;
  }
}

export class ColumnPool {
  private looked = 0;
  private found = 0;
  private on = true;

  constructor(private readonly pool: StringPool) {}

  /** `s`, or the pool's copy of it. */
  string(s: string): string {
    if (!this.on) return s;
    const copy = this.pool.held(s);
    this.count(copy !== undefined);
    return copy ?? s;
  }

  /** The Date of `time`: the pool's, or a new one. */
  date(time: number): Date {
    if (!this.on) return new Date(time);
    const { date, found } = this.pool.heldDate(time);
    this.count(found);
    return date;
  }

  /** `v` with its strings (at any depth up to MAX_DEPTH) replaced by the pool's copies, in place. */
  value(v: Value): Value {
    if (!this.on) return v;
    if (typeof v === 'string') return this.string(v);
    if (Array.isArray(v) || isObject(v)) this.walk(v, 0);
    return v;
  }

  private walk(v: unknown[] | Record<string, unknown>, depth: number): void {
    if (depth >= MAX_DEPTH || !this.on) return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i += 1) v[i] = this.item(v[i], depth);
      return;
    }
    for (const name of Object.keys(v)) {
      // An own `__proto__` member (JSON.parse makes one) is read, never set: setting it would set the prototype.
      if (name === '__proto__') this.item(v[name], depth);
      else v[name] = this.item(v[name], depth);
    }
  }

  /** A member or element of a parsed value at `depth`: a long string's copy, or the item itself (walked). */
  private item(item: unknown, depth: number): unknown {
    if (typeof item === 'string') return item.length > MIN_JSON_STRING ? this.string(item) : item;
    if (typeof item === 'object' && item !== null) this.walk(item as unknown[], depth + 1);
    return item;
  }

  private count(found: boolean): void {
    this.looked += 1;
    if (found) this.found += 1;
    if (this.looked === SAMPLE && this.found < SAMPLE * MIN_FOUND) this.on = false;
  }
}

/** Texts of a dynamic cell this long or shorter are kept to be found again, up to MAX_CELL_CHARS in all per column. */
const MAX_CELL = 4096;
const MAX_CELL_CHARS = 16 * 1024 * 1024;

/**
 * One column's dynamic cells parsed once per distinct text, equal cells sharing the value (the engine never changes a
 * table's values). An agent's snapshots follow one another in the agent tables and mostly repeat its tools, topics
 * and owners, and some values repeat across the tenant: at 100,000 agents (the bench's tenant, 145,810 rows)
 * AgentToolsDetails holds 81,952 distinct texts, 41,264 cells repeat the one before, DeclaredDataSources holds 45
 * and Triggers 2. The previous cell's text is always compared; texts are kept to be found again within the bounds
 * above, and no longer once a sample shows the column does not repeat (RawAgentInfo).
 */
export class ParsedCells {
  private lastText: string | null = null;
  private lastValue: Value = null;
  private readonly byText = new Map<string, Value>();
  private chars = 0;
  private looked = 0;
  private found = 0;
  private on = true;
  /** Whether the last `parse` gave a value parsed before (and so pooled already, if it was pooled). */
  repeated = false;

  /** The value of a cell's text: the one parsed before for the same text, or `parse`'s. */
  parse(text: string, parse: (text: string) => Value): Value {
    if (text === this.lastText) {
      this.repeated = true;
      return this.lastValue;
    }
    let value = this.on ? this.byText.get(text) : undefined;
    this.repeated = value !== undefined;
    if (value === undefined) {
      value = parse(text);
      if (this.on && text.length <= MAX_CELL && this.chars < MAX_CELL_CHARS) {
        this.byText.set(text, value);
        this.chars += text.length;
      }
    }
    if (this.on) this.count();
    this.lastText = text;
    this.lastValue = value;
    return value;
  }

  private count(): void {
    this.looked += 1;
    if (this.repeated) this.found += 1;
    if (this.looked === SAMPLE && this.found < SAMPLE * MIN_FOUND) {
      this.on = false;
      this.byText.clear();
    }
  }
}
