// Typed access to the fields of a parsed JSON object, with ModelErrors that name the file and the field path.
import { ModelError } from './types';

type Json = Record<string, unknown>;

export class Fields {
  private readonly obj: Json;

  /** `prefix` is the dotted path of `value` inside the file ('' at the top), used in messages. */
  constructor(
    readonly file: string,
    value: unknown,
    private readonly prefix = '',
  ) {
    if (!isObject(value))
      throw new ModelError(file, prefix ? `field '${prefix}' must be an object` : 'must hold a JSON object');
    this.obj = value;
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  raw(key: string): unknown {
    return this.obj[key];
  }

  path(key: string): string {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }

  fail(key: string, problem: string): never {
    throw new ModelError(this.file, `field '${this.path(key)}' ${problem}`);
  }

  object(key: string): Fields {
    this.require(key);
    return new Fields(this.file, this.obj[key], this.path(key));
  }

  optionalObject(key: string): Fields | null {
    return this.has(key) ? this.object(key) : null;
  }

  string(key: string): string {
    const v = this.require(key);
    if (typeof v !== 'string' || v.length === 0) this.fail(key, `must be a non-empty string (got ${describe(v)})`);
    return v;
  }

  optionalString(key: string): string | null {
    return this.has(key) ? this.string(key) : null;
  }

  number(key: string, rule: 'any' | 'positive' | 'positive-integer' = 'any'): number {
    const v = this.require(key);
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, `must be a number (got ${describe(v)})`);
    if (rule !== 'any' && !(v > 0)) this.fail(key, `must be greater than 0 (got ${v})`);
    if (rule === 'positive-integer' && !Number.isInteger(v)) this.fail(key, `must be a whole number (got ${v})`);
    return v;
  }

  optionalNumber(key: string, rule: 'any' | 'positive' | 'positive-integer' = 'any'): number | null {
    return this.has(key) ? this.number(key, rule) : null;
  }

  boolean(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const v = this.obj[key];
    if (typeof v !== 'boolean') this.fail(key, `must be true or false (got ${describe(v)})`);
    return v;
  }

  numbers(key: string): number[] {
    const v = this.require(key);
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      this.fail(key, `must be a non-empty array of numbers (got ${describe(v)})`);
    }
    return v as number[];
  }

  private require(key: string): unknown {
    if (!this.has(key)) throw new ModelError(this.file, `missing field '${this.path(key)}'`);
    return this.obj[key];
  }
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : `${typeof v} ${String(v)}`;
}
