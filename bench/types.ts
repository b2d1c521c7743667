/** One row of `npm run bench`'s table: what was measured, the figure, and whether it met its target. */
export interface BenchResult {
  name: string;
  figure: number;
  unit: string;
  target: string;
  met: boolean;
}
