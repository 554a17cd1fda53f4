// Types for the part of d3 Client Spy's chart uses (scales only: the marks are drawn with the DOM). d3 ships
// no declarations and @types/d3 is not a dependency; this is the surface the chart calls, typed strictly.
// The names are Client Spy's own so that this augmentation merges cleanly with other views' `declare module 'd3'`.

declare module 'd3' {
  export interface ScaleBand<Domain> {
    (value: Domain): number | undefined;
    domain(): Domain[];
    domain(domain: readonly Domain[]): this;
    range(): [number, number];
    range(range: readonly [number, number]): this;
    paddingInner(padding: number): this;
    paddingOuter(padding: number): this;
    align(align: number): this;
    bandwidth(): number;
    step(): number;
  }
  export function scaleBand<Domain>(): ScaleBand<Domain>;

  export interface ScaleLinear<Output> {
    (value: number): Output;
    domain(): number[];
    domain(domain: readonly number[]): this;
    range(): Output[];
    range(range: readonly Output[]): this;
    nice(count?: number): this;
    ticks(count?: number): number[];
  }
  export function scaleLinear(): ScaleLinear<number>;
}
