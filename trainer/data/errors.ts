/**
 * The one error type for unusable data files. Its message always names the file and the problem,
 * and says what to do, because it reaches users verbatim (CLI, API, dashboard).
 */
export class DatasetError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'DatasetError';
  }
}
