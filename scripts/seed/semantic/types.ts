import type { Domain, Sensitivity } from '../types.ts';

export type EntityType = 'primary' | 'foreign' | 'unique' | 'natural';
export type Agg = 'sum' | 'max' | 'min' | 'count' | 'count_distinct' | 'sum_boolean' | 'average' | 'median';
export type Granularity = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** `[entity name, type, column]`: entities with the same name join semantic models together. */
export type EntitySpec = readonly [name: string, type: EntityType, column: string];
/** `[column, type, description]`; time dimensions have day granularity. */
export type DimensionSpec = readonly [column: string, type: 'categorical' | 'time', description: string];
/** `[measure name, agg, column, description, nonAdditiveOver?]` */
export type MeasureSpec = readonly [
  name: string,
  agg: Agg,
  column: string,
  description: string,
  nonAdditiveOver?: string,
];

export interface SemanticModelSpec {
  readonly name: string;
  /** Name of the mart model the semantic model reads. */
  readonly model: string;
  readonly label: string;
  readonly description: string;
  readonly aggTimeDimension: string;
  readonly entities: readonly EntitySpec[];
  readonly dimensions: readonly DimensionSpec[];
  readonly measures: readonly MeasureSpec[];
}

/** A metric used as an input, optionally offset in time (e.g. the previous month). */
export type MetricInputSpec =
  | string
  | { readonly name: string; readonly alias: string; readonly offsetWindow: string };

interface MetricBase {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly domain: Domain;
  readonly sensitivity: Sensitivity;
  /** Defaults to the domain owner. */
  readonly owner?: string;
  readonly tags?: readonly string[];
}

export type MetricSpec = MetricBase &
  (
    | { readonly type: 'simple'; readonly measure: string }
    | { readonly type: 'ratio'; readonly numerator: string; readonly denominator: string }
    | { readonly type: 'derived'; readonly expr: string; readonly metrics: readonly MetricInputSpec[] }
    | {
        readonly type: 'cumulative';
        readonly measure: string;
        readonly window?: readonly [count: number, granularity: Granularity];
        readonly grainToDate?: Granularity;
      }
  );
